import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend, tf, expectNoLeaks } from '@difflm/test-utils';
import { biasCorrectedBeta, createLaProp } from './laprop.js';
import type { NamedVariable } from './model-port.js';

beforeAll(async () => { await useBackend('cpu'); });

// Reference: SPEC §4 written out element by element in float64.
function lapropReference(theta0: number[], grads: number[][], lr: number, wd: number, b1: number, b2: number, eps: number): number[] {
  const theta = [...theta0], m = theta0.map(() => 0), nu = theta0.map(() => 0);
  grads.forEach((g, i) => {
    const k = i + 1;
    const bt1 = 1 - (1 - b1) / (1 - b1 ** k), bt2 = 1 - (1 - b2) / (1 - b2 ** k);
    for (let j = 0; j < theta.length; j++) {
      nu[j] = bt2 * nu[j]! + (1 - bt2) * g[j]! ** 2;
      m[j] = bt1 * m[j]! + (1 - bt1) * g[j]! / (Math.sqrt(nu[j]!) + eps);
      theta[j] = theta[j]! - lr * (m[j]! + wd * theta[j]!);
    }
  });
  return theta;
}

describe('LaProp (SPEC §4)', () => {
  it('β̃(1) = 0 and β̃(k) → β', () => {
    expect(biasCorrectedBeta(0.9, 1)).toBe(0);
    expect(biasCorrectedBeta(0.9, 2)).toBeCloseTo(1 - 0.1 / 0.19, 12);
    expect(biasCorrectedBeta(0.99, 5000)).toBeCloseTo(0.99, 10);
  });

  it('matches the hand-written reference over four steps, per group', async () => {
    const theta0 = [0.5, -1.25, 2, 0.001];
    const grads = [[0.1, -0.2, 0.3, 0], [0.05, 0.4, -0.3, 1e-3], [-0.2, 0.1, 0.0, 2], [0.3, 0.3, 0.3, -0.5]];
    const v = tf.variable(tf.tensor1d(theta0), true, 'laprop-test-v');
    const params: NamedVariable[] = [{ name: 'v', group: 'bulk', variable: v }];
    const opt = createLaProp({ beta1: 0.9, beta2: 0.98, epsilon: 1e-6 });
    const bulkOnly = { bulk: { lr: 0.05, weightDecay: 0.1 }, aux: { lr: 99, weightDecay: 99 } };
    const step = (g: number[]): void => { const gt = tf.tensor1d(g); opt.update(params, { [v.name]: gt }, bulkOnly); gt.dispose(); };
    step(grads[0]!); // creates ν and m
    await expectNoLeaks(() => grads.slice(1).forEach(step));
    const want = lapropReference(theta0, grads, 0.05, 0.1, 0.9, 0.98, 1e-6);
    const got = Array.from(v.dataSync());
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 5));
    expect(opt.step).toBe(4);
    // State round trip: a fresh optimizer with the saved state takes the same next step.
    const state = opt.getState();
    const v2 = tf.variable(v.clone(), true, 'laprop-test-v2');
    const opt2 = createLaProp({ beta1: 0.9, beta2: 0.98, epsilon: 1e-6 });
    opt2.setState(state);
    const g = tf.tensor1d([0.7, -0.1, 0.2, 0.05]);
    opt.update(params, { [v.name]: g }, { bulk: { lr: 0.05, weightDecay: 0.1 }, aux: { lr: 0, weightDecay: 0 } });
    opt2.update([{ name: 'v', group: 'bulk', variable: v2 }], { [v2.name]: g }, { bulk: { lr: 0.05, weightDecay: 0.1 }, aux: { lr: 0, weightDecay: 0 } });
    expect(Array.from(v2.dataSync())).toEqual(Array.from(v.dataSync()));
    tf.dispose([g, v, v2]); opt.dispose(); opt2.dispose();
  });

  it('rejects a state from another optimizer and bad hyper-parameters', () => {
    expect(() => createLaProp({ beta1: 1, beta2: 0.99, epsilon: 1e-8 })).toThrow(/optimizer\.beta1/);
    expect(() => createLaProp({ beta1: 0.9, beta2: 0.99, epsilon: 1e-8 }).setState({ kind: 'adamw', step: 1, slots: {} })).toThrow(/'adamw'/);
  });
});
