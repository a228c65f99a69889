import { describe, expect, it } from 'vitest';
import { expectNoLeaks, useBackend } from '@difflm/test-utils';
import type { Tensor3D } from '@tensorflow/tfjs-core';
import { resolveModelConfig, type ModelConfigInput } from './config.js';
import { buildTransformer, type Transformer } from './transformer.js';
import { seededNormal } from './seeded-normal.js';

const cfg = (causal: boolean): ModelConfigInput => ({ vocabSize: 13, seqLen: 16, dModel: 16, nLayers: 2, nHeads: 2, causal });

/** Every parameter random (the CompleteP init zeroes lm_head, sinks and norms' offsets). */
function randomModel(c: ModelConfigInput, seed = 4): Transformer {
  return buildTransformer(resolveModelConfig(c), (s) => seededNormal(seed, s.name, s.shape.reduce((a, b) => a * b, 1), s.name === 'lm_head' ? 0.05 : 0.3));
}

describe('transformer prefix cache (cpu)', async () => {
  const tf = await useBackend('cpu');
  const B = 2, P = 5, M = 4, F = 3, N = P + M + F;
  const ids = Int32Array.from({ length: B * N }, (_, i) => (i * 7 + 3) % 13);
  const rows = (from: number, to: number): Int32Array => Int32Array.from({ length: B * (to - from) }, (_, i) => ids[Math.floor(i / (to - from)) * N + from + (i % (to - from))]!);
  const maxAbsDiff = (a: Tensor3D, b: Tensor3D): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

  it('bidirectional: the block after a cached prefix gets the logits of the full sequence under the block rule (prefix sees prefix, block sees both, future unseen)', () => {
    const model = randomModel(cfg(false));
    // Levels 0 (prefix), 1 (block), 2 (future); allow(q, k) = level(q) ≥ level(k), as the samplers build it.
    const level = (j: number): number => (j < P ? 0 : j < P + M ? 1 : 2);
    const mask = new Float32Array(B * N * N);
    for (let b = 0; b < B; b++) for (let q = 0; q < N; q++) for (let k = 0; k < N; k++) mask[(b * N + q) * N + k] = level(q) >= level(k) ? 1 : 0;
    const full = tf.tidy(() => tf.slice(model.apply(tf.tensor2d(ids, [B, N], 'int32'), tf.tensor3d(mask, [B, N, N])), [0, P, 0], [B, M, 13])) as Tensor3D;
    const prefix = tf.tensor2d(rows(0, P), [B, P], 'int32'), block = tf.tensor2d(rows(P, P + M), [B, M], 'int32');
    const cache = model.encodePrefix(prefix);
    expect(cache.length).toBe(P);
    const cached = model.applyAfterPrefix(cache, block);
    expect(cached.shape).toEqual([B, M, 13]);
    expect(maxAbsDiff(cached, full)).toBeLessThan(2e-5);
    // A different block over the same cache: the cache is not changed by use.
    const other = tf.tensor2d(Int32Array.from({ length: B * M }, (_, i) => (i * 5) % 13), [B, M], 'int32');
    const again = model.applyAfterPrefix(cache, other), again2 = model.applyAfterPrefix(cache, other);
    expect(maxAbsDiff(again, again2)).toBe(0);
    expect(maxAbsDiff(again, cached)).toBeGreaterThan(1e-3);
    tf.dispose([full, prefix, block, cached, other, again, again2]);
    cache.dispose();
    model.dispose();
  });

  it('causal: the cached continuation equals apply() of the concatenated sequence', () => {
    const model = randomModel(cfg(true));
    const full = tf.tidy(() => tf.slice(model.apply(tf.tensor2d(rows(0, P + M), [B, P + M], 'int32')), [0, P, 0], [B, M, 13])) as Tensor3D;
    const prefix = tf.tensor2d(rows(0, P), [B, P], 'int32'), block = tf.tensor2d(rows(P, P + M), [B, M], 'int32');
    const cache = model.encodePrefix(prefix);
    const cached = model.applyAfterPrefix(cache, block);
    expect(maxAbsDiff(cached, full)).toBeLessThan(2e-5);
    tf.dispose([full, prefix, block, cached]);
    cache.dispose();
    model.dispose();
  });

  it('building and disposing a model leaves no tensor behind (the initial values of its variables are freed)', async () => {
    await expectNoLeaks(() => { randomModel(cfg(false)).dispose(); });
  });

  it('leaks nothing once the cache is disposed, and refuses a mismatched cache or an overlong block in one line', async () => {
    const model = randomModel(cfg(false));
    await expectNoLeaks(() => {
      const prefix = tf.tensor2d(rows(0, P), [B, P], 'int32'), block = tf.tensor2d(rows(P, P + M), [B, M], 'int32');
      const cache = model.encodePrefix(prefix);
      const out = model.applyAfterPrefix(cache, block);
      tf.dispose([prefix, block, out]);
      cache.dispose();
    });
    const prefix = tf.tensor2d(rows(0, P), [B, P], 'int32');
    const cache = model.encodePrefix(prefix);
    const one = tf.tensor2d([[1, 2]], [1, 2], 'int32');
    expect(() => model.applyAfterPrefix(cache, one)).toThrow(/cache must come from this model's encodePrefix with batch 1/);
    const long = tf.tensor2d(new Int32Array(B * 12), [B, 12], 'int32');
    expect(() => model.applyAfterPrefix(cache, long)).toThrow(/prefix 5 \+ block 12 positions exceed the model's seqLen 16/);
    const empty = tf.tensor2d(new Int32Array(0), [B, 0], 'int32');
    expect(() => model.encodePrefix(empty)).toThrow(/prefix must have 1 to 15 positions, got 0/);
    tf.dispose([prefix, one, long, empty]);
    cache.dispose();
    model.dispose();
  });
});
