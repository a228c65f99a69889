// Likelihood scoring of completions (SPEC §2.3) with the real transformer: a model trained on a pattern prefers the
// pattern's continuation, scores do not depend on the order of the choices or the list, the same seed gives the
// same scores, and the AR score is the exact log-likelihood.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, useBackend } from '@difflm/test-utils';
import { createObjective } from '@difflm/noise';
import { createTransformer } from '@difflm/models';
import { arraySource } from '../test/tiny-model.js';
import { autoregressiveObjective, nextTokenCrossEntropy } from './autoregressive-objective.js';
import { diffusionObjective } from './diffusion-objective.js';
import type { TrainableModel } from './model-port.js';
import { effectiveLogSnr, type CompletionToScore } from './score-completions.js';
import { train } from './train.js';
import type { TrainingObjective } from './training-objective.js';

beforeAll(async () => { await useBackend('cpu'); });

const V = 12, N = 8;
const tokens = { vocabSize: V, maskId: V - 1, padId: V - 2 };
// Every sequence counts up by one modulo 5 from a random start: the continuation of a prompt is determined.
const ids = (() => {
  const out = new Int32Array(4096);
  let s = 7;
  for (let r = 0; r < out.length / N; r++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const start = s % 5;
    for (let j = 0; j < N; j++) out[r * N + j] = (start + j) % 5;
  }
  return out;
})();

const prompt = [1, 2, 3, 4];
const truth = [0, 1, 2];
const others = [[2, 2, 2], [7, 8, 9], [0, 1, 3]];

async function trained(objective: TrainingObjective, causal: boolean): Promise<TrainableModel> {
  const model = createTransformer({ vocabSize: V, seqLen: N, dModel: 16, nLayers: 1, nHeads: 2, causal }, { seed: 3 });
  await train({ model, objective, data: arraySource(ids, 8, N), optimizer: { kind: 'laprop' }, schedule: { peakLr: 0.3, warmupSteps: 5 }, budget: { steps: 200 }, seed: 4 });
  return model;
}

const cases: [string, () => TrainingObjective, boolean][] = [
  ['masked', () => diffusionObjective(createObjective({ id: 'difflm/masked' }, tokens)), false],
  ['uniform', () => diffusionObjective(createObjective({ id: 'difflm/uniform' }, tokens)), false],
  ['autoregressive', () => autoregressiveObjective(), true],
];

describe('scoreCompletions', () => {
  for (const [name, make, causal] of cases) {
    it(`${name}: the trained continuation scores best; scores are invariant to the order of the choices and repeat under one seed`, async () => {
      const objective = make();
      const model = await trained(objective, causal);
      const items: CompletionToScore[] = [truth, ...others].map((completion) => ({ prompt, completion }));
      const o = { seqLen: N, seed: 11, levels: 32, draws: 2 };
      const before = tf.memory().numTensors;
      const scores = await objective.scoreCompletions(model, items, o);
      expect(tf.memory().numTensors).toBe(before);
      expect(scores.every((s) => Number.isFinite(s) && s > 0)).toBe(true);
      for (let i = 1; i < scores.length; i++) expect(scores[0], `${name}: truth ${scores[0]} against choice ${i} ${scores[i]}`).toBeLessThan(scores[i]!);
      // Reversed order: each choice keeps its score exactly.
      const reversed = await objective.scoreCompletions(model, [...items].reverse(), o);
      expect(Array.from(reversed).reverse()).toEqual(Array.from(scores));
      // Alone, in another list: the same score.
      expect((await objective.scoreCompletions(model, [items[2]!], o))[0]).toBe(scores[2]);
      // Passes of a few rows each (a long context's memory bound) give the same scores as one pass.
      const chunked = await objective.scoreCompletions(model, items, { ...o, passLogits: 3 * N * V });
      Array.from(chunked).forEach((v, i) => expect(v, `${name}: choice ${i} in chunks`).toBeCloseTo(scores[i]!, 4));
      // Another seed: other noise draws (diffusion), the same exact value (AR).
      const reseeded = await objective.scoreCompletions(model, items, { ...o, seed: 12 });
      if (causal) expect(Array.from(reseeded)).toEqual(Array.from(scores));
      else expect(Array.from(reseeded)).not.toEqual(Array.from(scores));
      if (!causal) {
        // The authors' effective SNR: other weights, the same ranking, still independent of the order.
        const eff = await objective.scoreCompletions(model, items, { ...o, effectiveSnr: true });
        expect(Array.from(eff)).not.toEqual(Array.from(scores));
        for (let i = 1; i < eff.length; i++) expect(eff[0], `${name} (effective SNR): truth against choice ${i}`).toBeLessThan(eff[i]!);
        expect(Array.from(await objective.scoreCompletions(model, [...items].reverse(), { ...o, effectiveSnr: true })).reverse()).toEqual(Array.from(eff));
      }
      model.dispose();
    }, 60_000);
  }

  it('autoregressive: the score of a completion that fills the row is the exact next-token cross-entropy', async () => {
    const model = createTransformer({ vocabSize: V, seqLen: N, dModel: 16, nLayers: 1, nHeads: 2, causal: true }, { seed: 5 });
    const row = [3, 4, 0, 1, 2, 3, 4, 0];
    const [score] = await autoregressiveObjective().scoreCompletions(model, [{ prompt: row.slice(0, 1), completion: row.slice(1) }], { seqLen: N, seed: 0 });
    const ce = tf.tidy(() => nextTokenCrossEntropy(model.apply(tf.tensor2d([row], [1, N], 'int32')), tf.tensor2d([row], [1, N], 'int32')).dataSync()[0]!);
    expect(score).toBeCloseTo(ce * (N - 1), 4);
    model.dispose();
  });

  it('a prompt longer than the row keeps its last tokens; a completion that cannot fit is refused', async () => {
    const model = createTransformer({ vocabSize: V, seqLen: N, dModel: 16, nLayers: 1, nHeads: 2, causal: true }, { seed: 5 });
    const ar = autoregressiveObjective();
    const long = (await ar.scoreCompletions(model, [{ prompt: [9, 9, 9, 1, 2, 3, 4], completion: [0, 1, 2] }], { seqLen: N, seed: 0 }))[0];
    const cut = (await ar.scoreCompletions(model, [{ prompt: [9, 1, 2, 3, 4], completion: [0, 1, 2] }], { seqLen: N, seed: 0 }))[0];
    expect(long).toBe(cut);
    await expect(ar.scoreCompletions(model, [{ prompt: [1], completion: [1, 2, 3, 4, 5, 6, 7, 8] }], { seqLen: N, seed: 0 })).rejects.toThrow(/does not fit/);
    // The first completion token needs a token before it.
    await expect(ar.scoreCompletions(model, [{ prompt: [], completion: [1, 2] }], { seqLen: N, seed: 0 })).rejects.toThrow(/empty prompt/);
    model.dispose();
  });

  it('effective log-SNR: logit of the fraction of completion tokens the draw left as they were, clipped to the grid', () => {
    const x0 = [5, 1, 2, 3, 4];
    expect(effectiveLogSnr(x0, [5, 1, 9, 9, 4], 1, 5, [-9, 9])).toBeCloseTo(0, 12); // 2 of 4 kept
    expect(effectiveLogSnr(x0, [5, 1, 2, 3, 9], 1, 5, [-9, 9])).toBeCloseTo(Math.log(3), 12); // 3 of 4
    expect(effectiveLogSnr(x0, [5, 9, 9, 9, 9], 1, 5, [-9, 9])).toBe(-9); // none kept: the prior end
    expect(effectiveLogSnr(x0, [0, 1, 2, 3, 4], 1, 5, [-9, 9])).toBe(9); // all kept (the prompt position 0 does not count)
  });
});
