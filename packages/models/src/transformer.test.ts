import { describe, expect, it } from 'vitest';
import { expectNoLeaks, useBackend } from '@difflm/test-utils';
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { resolveModelConfig, type ModelConfigInput } from './config.js';
import { exactParamCount } from './counts.js';
import { buildTransformer, createTransformer, type Transformer } from './transformer.js';
import { seededNormal } from './seeded-normal.js';

const tiny: ModelConfigInput = { vocabSize: 11, seqLen: 8, dModel: 16, nLayers: 2, nHeads: 2 };

/** Every parameter random (the CompleteP init zeroes lm_head, which would make all logits 0). */
function randomModel(cfg: ModelConfigInput, seed = 1): Transformer {
  return buildTransformer(resolveModelConfig(cfg), (s) => seededNormal(seed, s.name, s.shape.reduce((a, b) => a * b, 1), s.name === 'lm_head' ? 0.05 : 0.3));
}

describe('transformer (cpu)', async () => {
  const tf = await useBackend('cpu');
  const toks = (rows: number[][]): Tensor2D => tf.tensor2d(rows, [rows.length, (rows[0] as number[]).length], 'int32');

  it('maps int32 [B, N] to logits [B, N, V] and has exactly the counted parameters', () => {
    const model = createTransformer(tiny, { seed: 0 });
    const x = toks([[1, 2, 3, 4, 5], [5, 4, 3, 2, 1]]);
    const y = model.apply(x);
    expect(y.shape).toEqual([2, 5, 11]);
    expect(y.dtype).toBe('float32');
    const total = model.params.reduce((a, p) => a + p.variable.size, 0);
    expect(total).toBe(exactParamCount(resolveModelConfig(tiny)));
    expect(model.paramCount()).toBe(total);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('puts matrices in bulk and norms, biases, sinks, embed and lm_head in aux', () => {
    const model = createTransformer(tiny, { seed: 0 });
    const names = model.params.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const p of model.params) {
      const isMatrix = p.variable.rank > 1 && !/embed|lm_head|sink|qk_norm/.test(p.name);
      expect(p.group, p.name).toBe(isMatrix ? 'bulk' : 'aux');
      expect(p.variable.trainable).toBe(true);
    }
    expect(model.params.filter((p) => p.group === 'bulk').map((p) => p.name)).toContain('layers.1.mlp.w_down');
    model.dispose();
  });

  it('initialises CompleteP: bulk std 0.4/√d, embedding std 0.02, lm_head and norms zero', () => {
    const cfg = { ...tiny, dModel: 64, nHeads: 4 };
    const model = createTransformer(cfg, { seed: 3 });
    const std = (name: string): number => {
      const v = Array.from(model.params.find((p) => p.name === name)!.variable.dataSync());
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
    };
    expect(std('layers.0.mlp.w_down')).toBeCloseTo(0.4 / 8, 2);
    expect(std('layers.0.attn.wqkv')).toBeCloseTo(0.4 / 8, 2);
    expect(std('embed')).toBeCloseTo(0.02, 3);
    for (const name of ['lm_head', 'final_norm', 'layers.0.attn.sink_k', 'layers.0.attn.qk_norm', 'layers.0.mlp.b_up']) expect(std(name)).toBe(0);
    model.dispose();
  });

  it('gives identical weights for the same seed and different ones for another seed', () => {
    const a = createTransformer(tiny, { seed: 42 });
    const b = createTransformer(tiny, { seed: 42 });
    const c = createTransformer(tiny, { seed: 43 });
    const w = (m: Transformer) => [...m.params.find((p) => p.name === 'layers.0.attn.wqkv')!.variable.dataSync(), ...m.params[0]!.variable.dataSync()];
    expect(w(a)).toEqual(w(b));
    expect(w(a)).not.toEqual(w(c));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('causal variant: logits at position i do not depend on tokens after i', () => {
    const model = randomModel({ ...tiny, causal: true });
    const a = model.apply(toks([[1, 2, 3, 4, 5, 6]])).arraySync()[0]!;
    const b = model.apply(toks([[1, 2, 3, 9, 0, 7]])).arraySync()[0]!;
    for (let i = 0; i < 3; i++) for (let v = 0; v < 11; v++) expect(b[i]![v]).toBeCloseTo(a[i]![v]!, 5);
    // and they do depend on earlier tokens (the test can fail)
    expect(Math.abs(b[3]![0]! - a[3]![0]!)).toBeGreaterThan(1e-4);
    model.dispose();
  });

  it('bidirectional model: every position sees later tokens', () => {
    const model = randomModel(tiny);
    const a = model.apply(toks([[1, 2, 3, 4]])).arraySync()[0]!;
    const b = model.apply(toks([[1, 2, 3, 9]])).arraySync()[0]!;
    expect(Math.abs(b[0]![0]! - a[0]![0]!)).toBeGreaterThan(1e-4);
    model.dispose();
  });

  it('attention mask: masked keys do not influence the queries that cannot see them', () => {
    const model = randomModel(tiny);
    const N = 5;
    // queries 0..2 see keys 0..2 only (a clean prompt); queries 3..4 see everything
    const mask = tf.tensor3d(Array.from({ length: N }, (_, q) => Array.from({ length: N }, (_, k) => (q < 3 ? (k < 3 ? 1 : 0) : 1))).flat(), [1, N, N]) as Tensor3D;
    const a = model.apply(toks([[1, 2, 3, 4, 5]]), mask).arraySync()[0]!;
    const b = model.apply(toks([[1, 2, 3, 8, 0]]), mask).arraySync()[0]!;
    for (let i = 0; i < 3; i++) for (let v = 0; v < 11; v++) expect(b[i]![v]).toBeCloseTo(a[i]![v]!, 5);
    expect(Math.abs(b[4]![1]! - a[4]![1]!)).toBeGreaterThan(1e-4);
    // a query that sees no key at all still gets a finite output through the attention sink
    const none = tf.zeros([1, N, N]) as Tensor3D;
    expect(model.apply(toks([[1, 2, 3, 4, 5]]), none).dataSync().every(Number.isFinite)).toBe(true);
    tf.dispose([mask, none]);
    model.dispose();
  });

  it('leaks no tensors in apply, in apply under tidy, or in a gradient step', async () => {
    const model = randomModel({ ...tiny, causal: true });
    const x = toks([[1, 2, 3, 4], [4, 3, 2, 1]]);
    await expectNoLeaks(() => tf.tidy(() => { model.apply(x); }));
    await expectNoLeaks(() => { model.apply(x).dispose(); });
    await expectNoLeaks(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(model.apply(x))) as never, model.params.map((p) => p.variable));
      expect(Object.keys(grads).length).toBe(model.params.length);
      tf.dispose([value, ...Object.values(grads)]);
    });
    x.dispose();
    const before = tf.memory().numTensors;
    model.dispose();
    expect(tf.memory().numTensors).toBeLessThan(before);
  });

  it('rejects bad inputs with clear errors', () => {
    const model = createTransformer(tiny, { seed: 0 });
    const f = tf.tensor2d([[1, 2]], [1, 2], 'float32');
    expect(() => model.apply(f)).toThrow(/int32 \[B, N\]/);
    const long = tf.zeros([1, 9], 'int32') as Tensor2D;
    expect(() => model.apply(long)).toThrow(/exceeds the model's seqLen 8/);
    const x = toks([[1, 2, 3]]);
    const m = tf.ones([1, 4, 4]) as Tensor3D;
    expect(() => model.apply(x, m)).toThrow(/attentionMask must be float32 \[1, 3, 3\]/);
    expect(() => createTransformer(tiny, { seed: Number.NaN })).toThrow(/seed/);
    tf.dispose([f, long, x, m]);
    model.dispose();
    expect(() => model.apply(x)).toThrow(/after dispose/);
  });

  it('reports Method-1 FLOPs per token', () => {
    const model = createTransformer(tiny, { seed: 0 });
    const { nLayers: L, dModel: d, seqLen: N } = resolveModelConfig(tiny);
    expect(model.flopsPerToken()).toBe(6 * (L * (12 * d * d + 14 * d) + d) + 12 * L * d * N);
    model.dispose();
  });
});
