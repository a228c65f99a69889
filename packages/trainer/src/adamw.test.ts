import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend, tf } from '@difflm/test-utils';
import { createAdamW } from './adamw.js';

beforeAll(async () => { await useBackend('cpu'); });

function adamwReference(theta0: number[], grads: number[][], lr: number, wd: number, b1: number, b2: number, eps: number): number[] {
  const theta = [...theta0], m = theta0.map(() => 0), v = theta0.map(() => 0);
  grads.forEach((g, i) => {
    const k = i + 1;
    for (let j = 0; j < theta.length; j++) {
      m[j] = b1 * m[j]! + (1 - b1) * g[j]!;
      v[j] = b2 * v[j]! + (1 - b2) * g[j]! ** 2;
      const mh = m[j]! / (1 - b1 ** k), vh = v[j]! / (1 - b2 ** k);
      theta[j] = theta[j]! - lr * (mh / (Math.sqrt(vh) + eps) + wd * theta[j]!);
    }
  });
  return theta;
}

describe('AdamW', () => {
  it('matches the hand-written reference over four steps, using the aux group settings', () => {
    const theta0 = [1, -2, 0.25];
    const grads = [[0.3, -0.1, 0.02], [0.1, 0.2, -0.3], [-0.5, 0.05, 0], [0.2, 0.2, 0.2]];
    const v = tf.variable(tf.tensor1d(theta0), true, 'adamw-test-v');
    const opt = createAdamW({ beta1: 0.9, beta2: 0.99, epsilon: 1e-8 });
    for (const g of grads) {
      const gt = tf.tensor1d(g);
      opt.update([{ name: 'v', group: 'aux', variable: v }], { [v.name]: gt }, { bulk: { lr: 9, weightDecay: 9 }, aux: { lr: 0.01, weightDecay: 0.5 } });
      gt.dispose();
    }
    const want = adamwReference(theta0, grads, 0.01, 0.5, 0.9, 0.99, 1e-8);
    Array.from(v.dataSync()).forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 5));
    expect(Object.keys(opt.getState().slots.v!)).toEqual(['m', 'v']);
    v.dispose(); opt.dispose();
  });
});
