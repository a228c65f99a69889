// The same model on the cpu and wasm backends: identical initial weights (seeded in JavaScript) and
// logits and gradients equal within float32 tolerance; training-relevant ops all run on wasm.
import { describe, expect, it } from 'vitest';
import { useBackend } from '@difflm/test-utils';
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { resolveModelConfig } from './config.js';
import { buildTransformer, createTransformer } from './transformer.js';
import { seededNormal } from './seeded-normal.js';
import { causalLmLoss } from './causal-lm-loss.js';

const config = resolveModelConfig({ vocabSize: 17, seqLen: 8, dModel: 16, nLayers: 2, nHeads: 2, causal: true });

async function run(backend: 'cpu' | 'wasm') {
  const tf = await useBackend(backend);
  const init = createTransformer(config, { seed: 9 });
  const initWeights = init.params.map((p) => Array.from(p.variable.dataSync()));
  init.dispose();
  const model = buildTransformer(config, (s) => seededNormal(9, s.name, s.shape.reduce((a, b) => a * b, 1), s.name === 'lm_head' ? 0.05 : 0.3));
  const tokens = tf.tensor2d([[1, 5, 16, 2, 2, 0, 7, 3], [3, 3, 3, 9, 8, 1, 0, 4]], [2, 8], 'int32') as Tensor2D;
  const mask = tf.tensor3d(Array.from({ length: 2 * 64 }, (_, i) => (i % 9 === 4 ? 0 : 1)), [2, 8, 8]) as Tensor3D;
  const logits = model.apply(tokens, mask);
  const { value, grads } = tf.variableGrads(() => causalLmLoss(model.apply(tokens, mask), tokens), model.params.map((p) => p.variable));
  const out = {
    initWeights,
    logits: Array.from(logits.dataSync()),
    loss: value.dataSync()[0] as number,
    grads: model.params.map((p) => Array.from(grads[p.variable.name]!.dataSync())),
  };
  tf.dispose([tokens, mask, logits, value, ...Object.values(grads)]);
  model.dispose();
  return out;
}

describe('cpu vs wasm', () => {
  it('gives the same initial weights, logits, loss and gradients on both backends', async () => {
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(wasm.initWeights).toEqual(cpu.initWeights);
    const maxAbs = (a: number[]) => Math.max(...a.map(Math.abs));
    const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((x, i) => Math.abs(x - (b[i] as number))));
    expect(maxAbs(cpu.logits)).toBeGreaterThan(0.1);
    expect(maxDiff(cpu.logits, wasm.logits)).toBeLessThan(1e-4 * Math.max(1, maxAbs(cpu.logits)));
    expect(Math.abs(cpu.loss - wasm.loss)).toBeLessThan(1e-5 * Math.max(1, cpu.loss));
    cpu.grads.forEach((g, i) => {
      expect(maxDiff(g, wasm.grads[i]!), `gradient ${i}`).toBeLessThan(1e-3 * Math.max(1e-3, maxAbs(g)));
    });
  });
});
