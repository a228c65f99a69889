// The native backend's fused kernels (@difflm/models' attention, RMSNorm, squared-ReLU and embedding-gradient kernels;
// @difflm/trainer's AdamW and LaProp updates and the sum of squares) against the composite tf-op graphs they replace,
// on the same backend and inputs.
import { describe, expect, it } from 'vitest';
import { expectNoLeaks, tf, worstRelativeL2 } from '@difflm/test-utils';
import { createTransformer, embed, fusedKernelActive, setFusedKernelsEnabled } from '@difflm/models';
import { createAdamW, createLaProp, fusedUpdateActive, setFusedUpdatesEnabled, sumOfSquares } from '@difflm/trainer';
import { isNativeAvailable, nativeInfo } from './native-info.js';
import { registerNativeKernels } from './register.js';

const available = isNativeAvailable();
const info = nativeInfo();
const title = available ? 'fused native kernels match the composite graphs' : `fused native kernels match the composite graphs (SKIPPED: ${info.available ? '' : info.reason})`;

type Model = ReturnType<typeof createTransformer>;

/** A model whose zero-initialised parameters (norm gains, sinks, biases, head) are made non-zero, so every path carries signal. */
function perturbedModel(config: Parameters<typeof createTransformer>[0]): Model {
  const model = createTransformer(config, { seed: 3 });
  for (const p of model.params) p.variable.assign(tf.tidy(() => tf.add(p.variable, tf.randomNormal(p.variable.shape, 0, 0.2, 'float32', 17))));
  return model;
}

function tokens(B: number, N: number, V: number): tf.Tensor2D {
  return tf.tensor2d(Int32Array.from({ length: B * N }, (_, i) => (i * 7919 + 13) % V), [B, N], 'int32');
}

function lossAndGrads(model: Model, x: tf.Tensor2D, mask: tf.Tensor3D | null, fused: boolean): { loss: number; grads: Float32Array[] } {
  setFusedKernelsEnabled(fused);
  try {
    const vars = model.params.map((p) => p.variable);
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(model.apply(x, mask))) as tf.Scalar, vars);
    const out = { loss: value.dataSync()[0]!, grads: vars.map((v) => Float32Array.from(grads[v.name]!.dataSync())) };
    tf.dispose([value, ...Object.values(grads)]);
    return out;
  } finally {
    setFusedKernelsEnabled(true);
  }
}

describe.skipIf(!available)(title, () => {
  it('runs every fused block on the native backend and none on cpu', async () => {
    registerNativeKernels(tf);
    await tf.setBackend('native');
    expect([fusedKernelActive('attention'), fusedKernelActive('rmsNorm'), fusedKernelActive('biasSquaredRelu'), fusedUpdateActive('adamw'), fusedUpdateActive('laprop')]).toEqual([true, true, true, true, true]);
    await tf.setBackend('cpu');
    expect(fusedKernelActive('attention')).toBe(false);
    expect(fusedUpdateActive('adamw')).toBe(false);
  });

  it('the prefix cache (composite ops on native) gives the fused full forward\'s block logits, bidirectional and causal', async () => {
    registerNativeKernels(tf);
    await tf.setBackend('native');
    for (const causal of [false, true]) {
      const model = perturbedModel({ vocabSize: 29, seqLen: 24, dModel: 32, nLayers: 2, nHeads: 2, causal });
      const B = 3, P = 10, M = 6, N = P + M;
      const x = tokens(B, N, 29);
      await expectNoLeaks(() => {
        const level = Float32Array.from({ length: B * N * N }, (_, i) => { const q = Math.floor(i / N) % N, k = i % N; return (q < P ? 0 : 1) >= (k < P ? 0 : 1) ? 1 : 0; });
        const full = tf.tidy(() => tf.slice(model.apply(x, causal ? null : tf.tensor3d(level, [B, N, N])), [0, P, 0], [B, M, 29]));
        const prefix = tf.slice(x, [0, 0], [B, P]), block = tf.slice(x, [0, P], [B, M]);
        const cache = model.encodePrefix(prefix);
        const cached = model.applyAfterPrefix(cache, block);
        const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(full, cached))).dataSync()[0]!);
        const scale = tf.tidy(() => tf.max(tf.abs(full)).dataSync()[0]!);
        expect(diff / scale, causal ? 'causal' : 'bidirectional').toBeLessThan(1e-5);
        tf.dispose([full, prefix, block, cached]);
        cache.dispose();
      });
      x.dispose();
      model.dispose();
    }
  });

  it.each([
    ['bidirectional, no mask', false, false],
    ['causal (additive bias shared over the batch)', true, false],
    ['bidirectional with a per-sequence attention mask', false, true],
  ])('gives the composite graph\'s loss and gradients: %s', async (_name, causal, withMask) => {
    registerNativeKernels(tf);
    await tf.setBackend('native');
    const [B, N, V] = [3, 12, 40];
    const model = perturbedModel({ vocabSize: V, seqLen: N, dModel: 48, nLayers: 2, nHeads: 3, causal });
    const x = tokens(B, N, V);
    const mask = withMask ? tf.tensor3d(Float32Array.from({ length: B * N * N }, (_, i) => ((i * 2654435761) >>> 0) % 3 === 0 ? 0 : 1), [B, N, N]) : null;
    const fused = lossAndGrads(model, x, mask, true);
    const composite = lossAndGrads(model, x, mask, false);
    expect(Math.abs(fused.loss - composite.loss)).toBeLessThan(1e-5 * Math.abs(composite.loss));
    expect(worstRelativeL2(fused.grads, composite.grads)).toBeLessThan(1e-4);
    tf.dispose([x, ...(mask ? [mask] : [])]);
    model.dispose();
  });

  it('gives bit-identical gradients on every run (partial sums merge in a fixed order, whatever the thread timing)', async () => {
    registerNativeKernels(tf);
    await tf.setBackend('native');
    // Enough rows and (batch, head) slices that every fused gradient splits its sums over several chunks.
    const [B, N, V] = [24, 64, 40];
    const model = perturbedModel({ vocabSize: V, seqLen: N, dModel: 48, nLayers: 1, nHeads: 3 });
    const x = tokens(B, N, V);
    const first = lossAndGrads(model, x, null, true);
    for (let run = 0; run < 3; run++) {
      const again = lossAndGrads(model, x, null, true);
      again.grads.forEach((g, k) => expect(Buffer.compare(Buffer.from(g.buffer), Buffer.from(first.grads[k]!.buffer))).toBe(0));
    }
    x.dispose();
    model.dispose();
  });

  it('changes the result when the fused attention is wrong (the comparison can fail)', async () => {
    registerNativeKernels(tf);
    await tf.setBackend('native');
    const model = perturbedModel({ vocabSize: 40, seqLen: 12, dModel: 48, nLayers: 1, nHeads: 3 });
    const x = tokens(2, 12, 40);
    const composite = lossAndGrads(model, x, null, false);
    // The same model with one sink value changed only on the fused side.
    const sinkV = model.params.find((p) => p.name.endsWith('sink_v'))!.variable;
    const saved = sinkV.clone();
    sinkV.assign(tf.tidy(() => tf.add(saved, 1e-2)));
    const fused = lossAndGrads(model, x, null, true);
    expect(worstRelativeL2(fused.grads, composite.grads)).toBeGreaterThan(1e-4);
    sinkV.assign(saved);
    tf.dispose([saved, x]);
    model.dispose();
  });

  it.each([['adamw'], ['laprop']] as const)('applies the same %s updates as the tf-op graph', async (kind) => {
    registerNativeKernels(tf);
    await tf.setBackend('native');
    const run = (fused: boolean): Float32Array[] => {
      setFusedUpdatesEnabled(fused);
      try {
        const model = perturbedModel({ vocabSize: 40, seqLen: 12, dModel: 32, nLayers: 1, nHeads: 2 });
        const hyper = { beta1: 0.9, beta2: 0.99, epsilon: 1e-8 };
        const opt = kind === 'adamw' ? createAdamW(hyper) : createLaProp(hyper);
        const groups = { bulk: { lr: 1e-2, weightDecay: 0.1 }, aux: { lr: 3e-3, weightDecay: 0 } };
        const x = tokens(2, 12, 40);
        for (let s = 0; s < 4; s++) {
          const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(model.apply(x, null))) as tf.Scalar, model.params.map((p) => p.variable));
          opt.update(model.params, grads, groups);
          tf.dispose([value, ...Object.values(grads)]);
        }
        const out = model.params.map((p) => Float32Array.from(p.variable.dataSync()));
        opt.dispose();
        x.dispose();
        model.dispose();
        return out;
      } finally {
        setFusedUpdatesEnabled(true);
      }
    };
    const fused = run(true);
    const composite = run(false);
    expect(worstRelativeL2(fused, composite)).toBeLessThan(1e-5);
  });

  it('adds the gradient rows of repeated ids into the embedding table\'s gradient as the one-hot product does', async () => {
    registerNativeKernels(tf);
    await tf.setBackend('native');
    const [V, d, M] = [23, 5, 60];
    const ids = tf.tensor1d(Int32Array.from({ length: M }, (_, i) => (i * i + 3) % 17), 'int32'); // ids repeat; rows 17–22 get none
    const table = tf.variable(tf.randomNormal([V, d], 0, 1, 'float32', 5));
    const dyValues = tf.randomNormal([M, d], 0, 1, 'float32', 6);
    const grad = (fused: boolean): Float32Array => {
      setFusedKernelsEnabled(fused);
      try {
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(embed(table as unknown as tf.Tensor2D, ids), dyValues)) as tf.Scalar, [table]);
        const out = Float32Array.from(grads[table.name]!.dataSync());
        tf.dispose([value, ...Object.values(grads)]);
        return out;
      } finally {
        setFusedKernelsEnabled(true);
      }
    };
    expect(tf.getKernel('DifflmEmbeddingGrad', 'native')).toBeDefined();
    const fused = grad(true);
    const composite = grad(false);
    expect(worstRelativeL2([fused], [composite])).toBeLessThan(1e-6);
    expect(Array.from(fused.subarray(17 * d))).toEqual(new Array((V - 17) * d).fill(0));
    const bad = tf.tensor1d([0, V], 'int32');
    const dyBad = tf.ones([2, d]);
    expect(() => tf.engine().runKernel('DifflmEmbeddingGrad', { ids: bad, dy: dyBad }, { vocabSize: V })).toThrow(/DifflmEmbeddingGrad: ids\[1\] = 23 is not a token id in \[0, 23\)/);
    tf.dispose([ids, table, dyValues, bad, dyBad]);
  });

  it('sums every tensor\'s squares in one kernel as the per-tensor graph does', async () => {
    registerNativeKernels(tf);
    await tf.setBackend('native');
    const ts = [tf.randomNormal([40, 12], 0, 1, 'float32', 1), tf.randomNormal([12], 0, 3, 'float32', 2), tf.scalar(-2), tf.randomNormal([3, 4, 5], 0, 1e-3, 'float32', 4)];
    const expected = ts.reduce((s, t) => s + Array.from(t.dataSync()).reduce((a, v) => a + v * v, 0), 0);
    const read = (fused: boolean): number => {
      setFusedUpdatesEnabled(fused);
      try {
        const before = tf.memory().numTensors;
        const r = sumOfSquares(ts);
        expect(tf.memory().numTensors).toBe(before + 1); // the result alone
        const v = r.dataSync()[0]!;
        r.dispose();
        return v;
      } finally {
        setFusedUpdatesEnabled(true);
      }
    };
    expect(tf.getKernel('DifflmSumSquares', 'native')).toBeDefined();
    const fused = read(true), composite = read(false);
    expect(Math.abs(fused - expected) / expected).toBeLessThan(1e-6);
    expect(Math.abs(composite - expected) / expected).toBeLessThan(1e-5);
    expect(read(true)).toBe(fused); // the same bits again
    tf.dispose(ts);
  });

  it('leaves no tensors behind in a fused training step', async () => {
    registerNativeKernels(tf);
    await tf.setBackend('native');
    const model = perturbedModel({ vocabSize: 40, seqLen: 12, dModel: 48, nLayers: 2, nHeads: 3 });
    const opt = createAdamW({ beta1: 0.9, beta2: 0.99, epsilon: 1e-8 });
    const groups = { bulk: { lr: 1e-3, weightDecay: 0 }, aux: { lr: 1e-3, weightDecay: 0 } };
    const x = tokens(2, 12, 40);
    const step = (): void => {
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(model.apply(x, null))) as tf.Scalar, model.params.map((p) => p.variable));
      opt.update(model.params, grads, groups);
      tf.dispose([value, ...Object.values(grads)]);
    };
    step(); // creates the optimizer's moments
    await expectNoLeaks(step);
    opt.dispose();
    x.dispose();
    model.dispose();
  });
});
