// Sampling from the autoregressive baseline: one model call per new token on the growing sequence
// (no KV cache; the baseline is small), with temperature, top-k and top-p (nucleus) truncation.
// Randomness comes from the Rng only, so a seed reproduces the samples.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@difflm/noise';
import type { TrainableModel } from './model-port.js';

export interface AutoregressiveSampleOptions {
  /** Prompt token ids (may be empty). */
  readonly prompt: readonly number[];
  /** Tokens to generate after the prompt. */
  readonly length: number;
  readonly numSamples: number;
  readonly rng: Rng;
  /** 0 = greedy; default 1. */
  readonly temperature?: number;
  readonly topK?: number;
  readonly topP?: number;
  /** Ids never sampled (mask, pad). */
  readonly excludeIds?: readonly number[];
  /** End-of-sequence id: a row ends at its first EOS after `minLength` generated tokens (EOS included); sampling stops once every row has ended. */
  readonly eosId?: number;
  /** Generated tokens before EOS may be drawn (needs eosId). */
  readonly minLength?: number;
}

/** Draw one id from logits (float64 math) with temperature, top-k and top-p. */
export function sampleFromLogits(logits: ArrayLike<number>, rng: Rng, o: { temperature?: number; topK?: number; topP?: number; excludeIds?: readonly number[] } = {}): number {
  const temperature = o.temperature ?? 1;
  const excluded = new Set(o.excludeIds ?? []);
  const ids: number[] = [];
  for (let v = 0; v < logits.length; v++) if (!excluded.has(v)) ids.push(v);
  ids.sort((a, b) => logits[b]! - logits[a]!);
  if (temperature <= 0) return ids[0]!;
  let keep = ids.slice(0, o.topK && o.topK > 0 ? o.topK : ids.length);
  const maxLogit = logits[keep[0]!]!;
  let probs = keep.map((v) => Math.exp((logits[v]! - maxLogit) / temperature));
  let total = probs.reduce((a, b) => a + b, 0);
  if (o.topP !== undefined && o.topP < 1) {
    let cum = 0, n = 0;
    while (n < probs.length && cum < o.topP * total) cum += probs[n++]!;
    keep = keep.slice(0, Math.max(1, n));
    probs = probs.slice(0, keep.length);
    total = probs.reduce((a, b) => a + b, 0);
  }
  let u = rng.uniform() * total;
  for (let i = 0; i < keep.length; i++) { u -= probs[i]!; if (u < 0) return keep[i]!; }
  return keep[keep.length - 1]!;
}

export async function sampleAutoregressive(model: TrainableModel, o: AutoregressiveSampleOptions): Promise<Int32Array[]> {
  if (!model.shape.causal) throw new Error('sampleAutoregressive needs a causal model (the autoregressive baseline); sample diffusion models with @difflm/noise samplers');
  const total = o.prompt.length + o.length;
  if (total > model.shape.seqLen) throw new Error(`prompt (${o.prompt.length}) + length (${o.length}) exceeds the model context ${model.shape.seqLen}: shorten the prompt or --length`);
  if (o.prompt.length === 0) throw new Error('the autoregressive baseline needs at least one prompt token (e.g. BOS)');
  if (o.minLength !== undefined && o.eosId === undefined) throw new Error('sampleAutoregressive: minLength needs eosId');
  const seqs = Array.from({ length: o.numSamples }, () => [...o.prompt]);
  const V = model.shape.vocabSize;
  const minLength = o.minLength ?? 0;
  const ended = new Array<number>(o.numSamples).fill(-1);
  const withEos = { ...o, excludeIds: [...(o.excludeIds ?? []), ...(o.eosId === undefined ? [] : [o.eosId])] };
  for (let pos = o.prompt.length; pos < total && ended.some((e) => e < 0); pos++) {
    const lastT = tf.tidy(() => {
      const x = tf.tensor2d(seqs.flat(), [o.numSamples, pos], 'int32'); // [B, pos]
      const logits = model.apply(x); // [B, pos, V]
      return tf.slice(logits, [0, pos - 1, 0], [o.numSamples, 1, V]); // [B, 1, V]
    });
    const last = await lastT.data(); // read asynchronously: a GPU backend cannot read synchronously
    lastT.dispose();
    for (let b = 0; b < o.numSamples; b++) {
      const id = sampleFromLogits(last.subarray(b * V, (b + 1) * V), o.rng, pos - o.prompt.length < minLength ? withEos : o);
      seqs[b]!.push(id);
      if (ended[b]! < 0 && o.eosId !== undefined && id === o.eosId) ended[b] = pos + 1;
    }
  }
  return seqs.map((s, b) => Int32Array.from(ended[b]! >= 0 ? s.slice(0, ended[b]) : s));
}
