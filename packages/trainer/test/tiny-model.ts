// Small stand-ins for tests: a per-token MLP that satisfies TrainableModel, an in-memory batch source
// and a masked-diffusion objective (MDLM form, SPEC §1.3) that satisfies DiffusionObjective.
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { createRng, type CorruptedBatch, type DiffusionObjective, type Rng } from '@difflm/noise';
import type { NamedVariable, TrainableModel } from '../src/model-port.js';
import type { TokenBatchSource } from '../src/token-batch-source.js';

let instance = 0;

export function tinyModel(o: { vocabSize: number; dModel: number; seqLen: number; causal?: boolean; seed: number }): TrainableModel {
  const rng = createRng(o.seed);
  const id = instance++;
  const init = (shape: number[], std: number): tf.Variable => {
    const n = shape.reduce((a, b) => a * b, 1);
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) v[i] = rng.normal() * std;
    return tf.variable(tf.tensor(v, shape), true, `tiny${id}/${shape.join('x')}/${std}`);
  };
  const { vocabSize: V, dModel: d } = o;
  const params: NamedVariable[] = [
    { name: 'embed', group: 'aux', variable: init([V, d], 0.5) },
    { name: 'w', group: 'bulk', variable: init([d, d], 0.4 / Math.sqrt(d)) },
    { name: 'b', group: 'aux', variable: init([d], 0.01) },
    { name: 'out', group: 'aux', variable: init([d, V], 0.1) },
  ];
  const [E, W, b, U] = params.map((p) => p.variable) as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
  return {
    shape: { vocabSize: V, seqLen: o.seqLen, dModel: d, nLayers: 1, nHeads: 1, causal: o.causal ?? false },
    params,
    apply(tokens: Tensor2D): Tensor3D {
      return tf.tidy(() => {
        const [B, N] = tokens.shape;
        const oh = tf.cast(tf.oneHot(tf.reshape(tokens, [B * N]), V), 'float32'); // [BN, V]
        const h = tf.tanh(tf.add(tf.matMul(tf.matMul(oh, E), W), b)); // [BN, d]
        return tf.reshape(tf.matMul(h, U), [B, N, V]) as Tensor3D; // [B, N, V]
      });
    },
    flopsPerToken: () => 6 * d * d,
    dispose: () => params.forEach((p) => p.variable.dispose()),
  };
}

/** Batches cut from a fixed token array, in order; the position is the batch index. */
export function arraySource(ids: Int32Array, batchSize: number, seqLen: number): TokenBatchSource & { readonly pos: number } {
  let pos = 0;
  const per = batchSize * seqLen;
  const nBatches = Math.floor(ids.length / per);
  return {
    batchSize, seqLen,
    get pos() { return pos; },
    next() { const i = pos % nBatches; pos++; return ids.slice(i * per, (i + 1) * per); },
    getPosition: () => pos,
    setPosition(p: unknown) { pos = p as number; },
    batchesAt: (p: unknown) => p as number,
  };
}

/** A repetitive text in token ids < vocabSize − 1 (the last id is the mask). */
export function patternedTokens(n: number, vocabSize: number, seed: number): Int32Array {
  const rng = createRng(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform() < 0.7 ? (i % 5) : rng.int(vocabSize - 1);
  return out;
}

/** Masked diffusion in the MDLM form: mask with probability t = σ(−λ), ELBO term −log x̂_x / t on masked tokens. */
export function standInMaskedObjective(vocabSize: number): DiffusionObjective {
  const maskId = vocabSize - 1;
  const make = (x: Tensor2D, tPerSeq: number[], rng: Rng): CorruptedBatch => {
    const [B, N] = x.shape;
    const u = new Float32Array(B * N);
    rng.fill(u);
    const t = new Float32Array(B * N);
    for (let i = 0; i < B * N; i++) t[i] = tPerSeq[Math.floor(i / N)]!;
    const isMask = Array.from(u, (v, i) => (v < t[i]! ? 1 : 0));
    const x0 = x.clone();
    const zt = tf.tidy(() => tf.where(tf.tensor2d(isMask, [B, N], 'bool'), tf.fill([B, N], maskId, 'int32'), x)) as Tensor2D;
    const logSnr = tf.tensor2d(Array.from(t, (ti) => Math.log((1 - ti) / ti)), [B, N]);
    const noiseMask = tf.ones([B, N]) as Tensor2D;
    return { x0, zt, logSnr, noiseMask, attentionMask: null, dispose: () => tf.dispose([x0, zt, logSnr, noiseMask]) };
  };
  const tMin = 1e-4;
  return {
    spec: { id: 'test/masked' },
    tokens: { vocabSize, maskId, padId: null },
    corrupt: (x, rng) => make(x, Array.from({ length: x.shape[0] }, () => tMin + (1 - 2 * tMin) * rng.uniform()), rng),
    corruptAt: (x, logSnr, rng) => make(x, Array(x.shape[0]).fill(1 / (1 + Math.exp(logSnr))), rng),
    loss(logits, batch) {
      const [B, N, V] = logits.shape;
      const t = tf.tidy(() => tf.sigmoid(tf.neg(batch.logSnr))); // [B, N]
      const masked = tf.tidy(() => tf.cast(tf.equal(batch.zt, maskId), 'float32')); // [B, N]
      const nll = tf.tidy(() => tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), tf.cast(tf.oneHot(batch.x0, V), 'float32')), -1))); // [B, N]
      const elbo = tf.tidy(() => tf.div(tf.sum(tf.div(tf.mul(nll, masked), t)), B * N)) as Scalar;
      return { loss: elbo, elbo: elbo.clone(), kl: elbo.clone(), is: tf.scalar(0), numNoisy: tf.scalar(B * N) };
    },
  };
}
