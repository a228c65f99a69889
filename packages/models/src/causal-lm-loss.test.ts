import { describe, expect, it } from 'vitest';
import { useBackend } from '@difflm/test-utils';
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { causalLmLoss } from './causal-lm-loss.js';

describe('causalLmLoss (cpu)', async () => {
  const tf = await useBackend('cpu');
  it('is the mean next-token negative log-likelihood', () => {
    const logitsArr = [[[0, 1, 2], [2, 0, 0], [0, 0, 5]]];
    const logits = tf.tensor3d(logitsArr) as Tensor3D;
    const tokens = tf.tensor2d([[0, 2, 1]], [1, 3], 'int32') as Tensor2D;
    const lse = (r: number[]) => Math.log(r.reduce((a, b) => a + Math.exp(b), 0));
    const rows = logitsArr[0]!;
    const expected = ((lse(rows[0]!) - 2) + (lse(rows[1]!) - 0)) / 2; // targets 2 then 1
    expect(causalLmLoss(logits, tokens).dataSync()[0]).toBeCloseTo(expected, 5);
    const w = tf.tensor2d([[1, 0]]) as Tensor2D;
    expect(causalLmLoss(logits, tokens, w).dataSync()[0]).toBeCloseTo(lse(rows[0]!) - 2, 5);
    expect(() => causalLmLoss(logits, tf.zeros([1, 2], 'int32') as Tensor2D)).toThrow(/tokens must be \[1, 3\]/);
  });
});
