import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend, tf, expectNoLeaks } from '@difflm/test-utils';
import { arraySource, patternedTokens, standInMaskedObjective, tinyModel } from '../test/tiny-model.js';
import { autoregressiveObjective } from './autoregressive-objective.js';
import { diffusionObjective } from './diffusion-objective.js';
import { evaluateHeldOut } from './evaluate.js';
import { createTrainer, type TrainerOptions } from './trainer.js';
import { train, type TrainOptions } from './train.js';

beforeAll(async () => { await useBackend('cpu'); });

const V = 12, N = 8;
const ids = patternedTokens(4096, V, 7);

function options(over: Partial<TrainOptions> & Pick<TrainerOptions, 'model' | 'data'>): TrainOptions {
  return {
    objective: diffusionObjective(standInMaskedObjective(V)),
    optimizer: { kind: 'laprop' },
    schedule: { peakLr: 0.5, warmupSteps: 2 },
    budget: { steps: 10 },
    seed: 3,
    ...over,
  };
}

describe('trainer', () => {
  it('skips the update of a step whose gradient is not finite, and only that one', async () => {
    const model = tinyModel({ vocabSize: V, dModel: 8, seqLen: N, causal: true, seed: 1 });
    const ar = autoregressiveObjective();
    let calls = 0;
    // The second step's loss is scaled by +Infinity, so its gradient is non-finite.
    const poisoned = { ...ar, terms: (m: Parameters<typeof ar.terms>[0], x: Parameters<typeof ar.terms>[1], rng: Parameters<typeof ar.terms>[2]) => {
      const t = ar.terms(m, x, rng);
      return ++calls === 2 ? { ...t, loss: tf.mul(t.loss, Infinity) as typeof t.loss } : t;
    } };
    const t = createTrainer(options({ model, data: arraySource(ids, 4, N), objective: poisoned, budget: { steps: 3 } }));
    const snapshot = () => model.params.map((p) => Float32Array.from(p.variable.dataSync()));
    await t.trainStep();
    const before = snapshot();
    const m2 = await t.trainStep();
    expect(Number.isFinite(m2.gradNorm)).toBe(false);
    expect(m2.step).toBe(2);
    expect(snapshot()).toEqual(before);
    await t.trainStep();
    expect(snapshot().some((w, i) => w.some((x, j) => x !== before[i]![j]))).toBe(true);
    expect(snapshot().every((w) => w.every(Number.isFinite))).toBe(true);
    t.dispose(); model.dispose();
  });

  it('gradient accumulation over 2 micro-batches of 2 equals one batch of 4', async () => {
    const run = async (batch: number, accum: number): Promise<Float32Array[]> => {
      const model = tinyModel({ vocabSize: V, dModel: 8, seqLen: N, causal: true, seed: 1 });
      const t = createTrainer(options({ model, data: arraySource(ids, batch, N), objective: autoregressiveObjective(), optimizer: { kind: 'adamw' }, gradAccumSteps: accum, budget: { steps: 3 } }));
      const m = [await t.trainStep(), await t.trainStep()];
      expect(m[1]!.tokens).toBe(2 * 4 * N);
      const w = model.params.map((p) => Float32Array.from(p.variable.dataSync()));
      t.dispose(); model.dispose();
      return w;
    };
    const big = await run(4, 1), acc = await run(2, 2);
    big.forEach((w, i) => w.forEach((x, j) => expect(acc[i]![j]).toBeCloseTo(x, 5)));
  });

  it('resumes from a state: the continued run equals the uninterrupted one exactly', async () => {
    const mk = (seed: number) => tinyModel({ vocabSize: V, dModel: 8, seqLen: N, seed });
    const a = mk(1);
    const full = await train(options({ model: a, data: arraySource(ids, 4, N), budget: { steps: 6 } }));
    const b = mk(1);
    const losses: number[] = [];
    let state = full.state;
    const half = await train(options({ model: b, data: arraySource(ids, 4, N), budget: { steps: 6 }, shouldStop: () => losses.length === 3, onStep: (m, ctx) => { losses.push(m.loss); if (losses.length === 3) state = ctx.getState(); } }));
    expect(half.steps).toBe(3);
    expect(state.step).toBe(3);
    // A fresh model with a different init, restored from the state.
    const c = mk(99);
    const rest: number[] = [];
    const done = await train(options({ model: c, data: arraySource(ids, 4, N), budget: { steps: 6 }, resumeFrom: state, onStep: (m) => { rest.push(m.loss); } }));
    expect(done.steps).toBe(6);
    const again: number[] = [];
    const d = mk(1);
    await train(options({ model: d, data: arraySource(ids, 4, N), budget: { steps: 6 }, onStep: (m) => { again.push(m.loss); } }));
    expect([...losses, ...rest]).toEqual(again);
    expect(Array.from(c.params[0]!.variable.dataSync())).toEqual(Array.from(a.params[0]!.variable.dataSync()));
    [a, b, c, d].forEach((m) => m.dispose());
  });

  it('a masked diffusion stand-in learns (loss and held-out ELBO fall) without leaking tensors', async () => {
    const model = tinyModel({ vocabSize: V, dModel: 16, seqLen: N, seed: 2 });
    const objective = diffusionObjective(standInMaskedObjective(V), { eval: { levels: 8 } });
    const heldOut = () => evaluateHeldOut({ model, objective, source: arraySource(ids.slice(2048), 8, N), batches: 2, seed: 5, bytesPerToken: 1 });
    const before = heldOut();
    const losses: number[] = [];
    await expectNoLeaks(() => train(options({ model, objective, data: arraySource(ids, 8, N), budget: { tokens: 8 * N * 60 }, schedule: { peakLr: 1, warmupSteps: 5 }, onStep: (m) => { losses.push(m.elbo); } })));
    expect(losses).toHaveLength(60);
    const after = heldOut();
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(losses.slice(-10))).toBeLessThan(mean(losses.slice(0, 10)));
    expect(after.elbo).toBeLessThan(before.elbo);
    expect(after.bitsPerByte).toBeCloseTo(after.elbo / Math.LN2, 10);
    expect(after.pplBound).toBeCloseTo(Math.exp(after.elbo), 8);
    // Evaluation is deterministic given the seed.
    expect(heldOut().elbo).toBe(after.elbo);
    model.dispose();
  });

  it('clips the global gradient norm and reports the unclipped norm', async () => {
    const model = tinyModel({ vocabSize: V, dModel: 8, seqLen: N, seed: 4 });
    const t = createTrainer(options({ model, data: arraySource(ids, 4, N), clipGradNorm: 1e-3, optimizer: { kind: 'adamw' } }));
    const m = await t.trainStep();
    expect(m.gradNorm).toBeGreaterThan(1e-3);
    expect(m.flops).toBe(6 * 8 * 8 * 4 * N);
    t.dispose(); model.dispose();
  });

  it('names the field on bad input', () => {
    const model = tinyModel({ vocabSize: V, dModel: 8, seqLen: N, seed: 4 });
    expect(() => createTrainer(options({ model, data: arraySource(ids, 4, N), objective: autoregressiveObjective() }))).toThrow(/causal/);
    expect(() => createTrainer(options({ model, data: arraySource(ids, 4, 2 * N) }))).toThrow(/seqLen/);
    expect(() => createTrainer(options({ model, data: arraySource(ids, 4, N), gradAccumSteps: 0 }))).toThrow(/gradAccumSteps/);
    expect(() => createTrainer(options({ model, data: arraySource(ids, 4, N), budget: { flops: -1 } }))).toThrow(/budget\.flops/);
    expect(() => createTrainer(options({ model, data: arraySource(ids, 4, N), budget: { tokens: 100 } }))).not.toThrow();
    model.dispose();
    void tf;
  });
});

describe('held-out evaluation', () => {
  it('reports the standard error from the per-batch spread, shrinking with more batches, and repeats exactly', () => {
    const model = tinyModel({ vocabSize: V, dModel: 16, seqLen: N, seed: 2 });
    const objective = diffusionObjective(standInMaskedObjective(V), { eval: { levels: 4 } });
    const run = (batches: number) => evaluateHeldOut({ model, objective, source: arraySource(ids.slice(2048), 4, N), batches, seed: 5, bytesPerToken: 1 });
    const one = run(1), few = run(4), many = run(32);
    expect(one.standardError).toBeNull();
    expect(few.batches).toBe(4);
    expect(few.standardError).toBeGreaterThan(0);
    expect(many.standardError!).toBeLessThan(few.standardError!);
    // Common random numbers: the same seed and data give the same estimate, bit for bit.
    expect(run(4)).toEqual(few);
    model.dispose();
  });
});
