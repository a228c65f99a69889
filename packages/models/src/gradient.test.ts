// Gradient check: tfjs gradients of a scalar loss w.r.t. the model's parameters match central finite
// differences. float32: the loss is kept O(1) and the step h = 1e-2 balances truncation (O(h²)) against
// rounding (≈1e-7/h); the tolerance is 3% of the parameter's largest gradient entry.
import { describe, expect, it } from 'vitest';
import { useBackend } from '@difflm/test-utils';
import type { Scalar, Tensor, Tensor2D, Tensor3D, Variable } from '@tensorflow/tfjs-core';
import { resolveModelConfig } from './config.js';
import { buildTransformer } from './transformer.js';
import { seededNormal } from './seeded-normal.js';
import { causalLmLoss } from './causal-lm-loss.js';
import { matMul } from './matmul.js';
import { embed } from './embedding.js';

describe('gradients (cpu)', async () => {
  const tf = await useBackend('cpu');

  it('custom matMul and embedding gradients equal tfjs reference gradients', () => {
    const a = tf.randomNormal([2, 3, 4, 5], 0, 1, 'float32', 1);
    const b = tf.randomNormal([2, 3, 5, 6], 0, 1, 'float32', 2);
    const w = tf.randomNormal([2, 3, 4, 6], 0, 1, 'float32', 3);
    const f = (mm: (x: Tensor, y: Tensor) => Tensor) => (x: Tensor, y: Tensor) => tf.sum(tf.mul(mm(x, y), w));
    const [ga, gb] = tf.grads(f(matMul))([a, b]) as [Tensor, Tensor];
    const [ra, rb] = tf.grads(f((x, y) => tf.matMul(x, y)))([a, b]) as [Tensor, Tensor];
    expect(tf.max(tf.abs(tf.sub(ga, ra))).dataSync()[0]).toBeLessThan(1e-5);
    expect(tf.max(tf.abs(tf.sub(gb, rb))).dataSync()[0]).toBeLessThan(1e-5);

    const table = tf.randomNormal([7, 3], 0, 1, 'float32', 4) as Tensor2D;
    const ids = tf.tensor1d([1, 4, 1, 6, 1], 'int32'); // repeated ids must accumulate
    const we = tf.randomNormal([5, 3], 0, 1, 'float32', 5);
    const ge = tf.grad((t: Tensor) => tf.sum(tf.mul(embed(t as Tensor2D, ids), we)))(table);
    const re = tf.grad((t: Tensor) => tf.sum(tf.mul(tf.gather(t, ids), we)))(table);
    expect(tf.max(tf.abs(tf.sub(ge, re))).dataSync()[0]).toBeLessThan(1e-5);
    expect(tf.abs(ge).sum().dataSync()[0]).toBeGreaterThan(0);
  });

  for (const causal of [false, true]) {
    it(`tiny ${causal ? 'causal' : 'bidirectional'} model (L=1, d=8, H=2, V=11, N=5): gradients match central finite differences`, () => {
      const config = resolveModelConfig({ vocabSize: 11, seqLen: 5, dModel: 8, nLayers: 1, nHeads: 2, causal });
      const model = buildTransformer(config, (s) =>
        seededNormal(7, s.name, s.shape.reduce((x, y) => x * y, 1), s.name === 'lm_head' ? 0.02 : s.name === 'embed' ? 0.5 : 0.3));
      const tokens = tf.tensor2d([[1, 4, 4, 9, 0], [10, 2, 3, 2, 7]], [2, 5], 'int32');
      const mask = tf.tensor3d(Array.from({ length: 2 * 25 }, (_, i) => ((i * 7) % 5 === 0 ? 0 : 1)), [2, 5, 5]) as Tensor3D;
      const target = tf.randomNormal([2, 5, 11], 0, 1, 'float32', 11);
      // A smooth scalar of the logits: cross-entropy plus a fixed linear read-out of every logit.
      const loss = (): Scalar => tf.tidy(() => {
        const logits = model.apply(tokens, mask);
        return tf.add(causalLmLoss(logits, tokens), tf.mean(tf.mul(logits, target))) as Scalar;
      });
      const { grads } = tf.variableGrads(loss, model.params.map((p) => p.variable));
      const checked = ['embed', 'layers.0.attn_norm', 'layers.0.attn.wqkv', 'layers.0.attn.qk_norm', 'layers.0.attn.sink_k',
        'layers.0.attn.sink_v', 'layers.0.attn.wo', 'layers.0.mlp.w_up', 'layers.0.mlp.b_up', 'layers.0.mlp.b_down', 'final_norm', 'lm_head'];
      const h = 1e-2;
      for (const name of checked) {
        const p = model.params.find((q) => q.name === name)!;
        const v: Variable = p.variable;
        const g = Array.from(grads[v.name]!.dataSync());
        const scale = Math.max(...Array.from(g, Math.abs));
        expect(scale, `${name} gradient is non-zero`).toBeGreaterThan(1e-4);
        // the largest entry plus a few spread-out ones
        const idx = new Set([g.indexOf(g.reduce((m, x) => (Math.abs(x) > Math.abs(m) ? x : m), 0)), 0, Math.floor(g.length / 2), g.length - 1]);
        const base = v.dataSync().slice();
        for (const i of idx) {
          const at = (delta: number) => {
            const w = base.slice(); w[i] = (w[i] as number) + delta;
            v.assign(tf.tensor(w, v.shape));
            return tf.tidy(() => loss().dataSync()[0] as number);
          };
          const fd = (at(h) - at(-h)) / (2 * h);
          v.assign(tf.tensor(base, v.shape));
          expect(Math.abs(fd - (g[i] as number)), `${name}[${i}]: fd ${fd} vs autodiff ${g[i]}`).toBeLessThan(0.03 * scale + 1e-4);
        }
      }
      tf.dispose([tokens, mask, target, ...Object.values(grads)]);
      model.dispose();
    });
  }
});
