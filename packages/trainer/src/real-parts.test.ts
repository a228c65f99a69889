// The trainer with the real parts it is built for: @difflm/models' transformer (a devDependency) as the
// TrainableModel and @difflm/noise's createObjective as the diffusion objective.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, useBackend } from '@difflm/test-utils';
import { createRng } from '@difflm/noise';
import { createTransformer } from '@difflm/models';
import { createObjective } from '@difflm/noise';
import { arraySource, patternedTokens } from '../test/tiny-model.js';
import { autoregressiveObjective } from './autoregressive-objective.js';
import { diffusionObjective } from './diffusion-objective.js';
import { elboGrid } from './elbo-grid.js';
import type { TrainableModel } from './model-port.js';
import { train } from './train.js';

beforeAll(async () => { await useBackend('cpu'); });

const V = 20, N = 8;
const tokens = { vocabSize: V, maskId: V - 1, padId: V - 2 };
const ids = patternedTokens(2048, V - 2, 3);

describe('trainer with the real transformer and noise objectives', () => {
  for (const id of ['difflm/masked', 'difflm/uniform']) {
    it(`${id}: finite gradients and a falling loss at η = 0.3`, async () => {
      const model: TrainableModel = createTransformer({ vocabSize: V, seqLen: N, dModel: 32, nLayers: 1, nHeads: 2 }, { seed: 1 });
      const elbo: number[] = [];
      const norms: number[] = [];
      await train({
        model, objective: diffusionObjective(createObjective({ id }, tokens)), data: arraySource(ids, 8, N),
        optimizer: { kind: 'laprop' }, schedule: { peakLr: 0.3, warmupSteps: 5 }, budget: { steps: 40 }, seed: 2,
        onStep: (m) => { elbo.push(m.elbo); norms.push(m.gradNorm); },
      });
      expect(norms.every(Number.isFinite)).toBe(true);
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      expect(mean(elbo.slice(-10))).toBeLessThan(mean(elbo.slice(0, 10)));
      model.dispose();
    });
  }

  for (const id of ['difflm/masked', 'difflm/uniform']) {
    it(`${id}: the held-out ELBO batches its λ levels into shared forward passes and equals one pass per level`, () => {
      const model: TrainableModel = createTransformer({ vocabSize: V, seqLen: N, dModel: 32, nLayers: 1, nHeads: 2 }, { seed: 1 });
      const noise = createObjective({ id }, tokens);
      const objective = diffusionObjective(noise, { eval: { levels: 5 } });
      const x = tf.tensor2d(ids.slice(0, 4 * N), [4, N], 'int32');
      const before = tf.memory().numTensors;
      const batched = objective.evaluate(model, x, createRng(9)).natsPerToken;
      expect(tf.memory().numTensors).toBe(before);
      // The reference: the grid's levels one forward pass each, with the same noise draws in the same order.
      const grid = elboGrid({ levels: 5 });
      const rng = createRng(9);
      let reference = 0;
      grid.logSnr.forEach((lam, k) => {
        const b = noise.corruptAt(x, lam, rng);
        reference += grid.weights[k]! * tf.tidy(() => noise.loss(model.apply(b.zt, b.attentionMask), b).elbo.dataSync()[0]!);
        b.dispose();
      });
      expect(batched).toBeCloseTo(reference, 5);
      x.dispose();
      model.dispose();
    });
  }

  it('the causal transformer trains with the autoregressive objective', async () => {
    const model: TrainableModel = createTransformer({ vocabSize: V, seqLen: N, dModel: 32, nLayers: 1, nHeads: 2, causal: true }, { seed: 1 });
    const losses: number[] = [];
    await train({ model, objective: autoregressiveObjective(), data: arraySource(ids, 8, N), optimizer: { kind: 'adamw' }, schedule: { peakLr: 0.3, warmupSteps: 2 }, budget: { steps: 15 }, seed: 2, onStep: (m) => { losses.push(m.loss); } });
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    model.dispose();
  });

  it('the backward pass through the noise loss stays finite for confident (large) logits', () => {
    // Guards against 0·∞ in unselected branches (once: ε/max(p, tiny) at p = 0), which turns whole gradients into NaN.
    const [Vb, Nb] = [260, 64];
    const x = tf.tensor2d(Array.from(patternedTokens(8 * Nb, 256, 9)), [8, Nb], 'int32');
    for (const id of ['difflm/masked', 'difflm/uniform', 'difflm/hybrid']) {
      const objective = createObjective({ id }, { vocabSize: Vb, maskId: Vb - 1, padId: Vb - 2 });
      const rng = createRng(4);
      for (let i = 0; i < 4; i++) {
        const batch = objective.corrupt(x, rng);
        const logits = tf.mul(tf.randomNormal([8, Nb, Vb], 0, 1, 'float32', i), 30);
        const g = tf.grad((l: tf.Tensor) => objective.loss(l as tf.Tensor3D, batch).loss)(logits);
        expect(Array.from(g.dataSync()).every(Number.isFinite), `${id} batch ${i}`).toBe(true);
        tf.dispose([g, logits]);
        batch.dispose();
      }
    }
    x.dispose();
  });
});
