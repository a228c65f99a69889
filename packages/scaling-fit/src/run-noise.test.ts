import { describe, expect, it } from 'vitest';
import { fitStudy, isoflopAnalysis, resolveRuns, runNoiseIntervals, type ScalingRun } from './index.js';
import { createFitRng } from './rng.js';

const TRUE_ALPHA = 0.5;
const BUDGETS = [1e11, 2.15e11, 4.64e11, 1e12];

function gaussian(rng: ReturnType<typeof createFitRng>): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/**
 * A small IsoFLOP study like the quick preset's: 4 budgets over a decade, 5 sizes per budget spaced 0.35 in ln M
 * around the true optimum M* = 2·C^0.5, parabola depth 0.06 per (ln M)², each run's loss off by a relative
 * Gaussian error of sd `noise`; the middle point of the first budget is replicated `reps` times.
 */
function study(seed: number, noise: number, reps = 3, declareSpread = true): ScalingRun[] {
  const rng = createFitRng(seed);
  const runs: ScalingRun[] = [];
  for (const C of BUDGETS) {
    const mStar = 2 * C ** TRUE_ALPHA, lStar = 30 * C ** -0.05;
    const offset = 0.2 * (rng.next() - 0.5); // the window is not centred exactly on the optimum
    for (let j = -2; j <= 2; j++) {
      const M = mStar * Math.exp(0.35 * j + offset);
      const truth = lStar * Math.exp(0.06 * (Math.log(M / mStar)) ** 2);
      const replicated = C === BUDGETS[0] && j === 0 && reps > 1;
      const draws = Array.from({ length: replicated ? reps : 1 }, () => truth * (1 + noise * gaussian(rng)));
      const mean = draws.reduce((s, v) => s + v, 0) / draws.length;
      const run: ScalingRun = { id: `${C}-${j}`, group: 'g', flopsPerToken: M, compute: C, loss: mean, lossStandardError: 0.0005 * mean };
      if (replicated) {
        run.replicates = reps;
        if (declareSpread) run.lossSpread = noise * truth; // the measured spread, here the true one
      }
      runs.push(run);
    }
  }
  return runs;
}

const budgetsOf = (runs: ScalingRun[]) => isoflopAnalysis(resolveRuns(runs).runs, { budgets: BUDGETS });

describe('run-noise intervals (parametric bootstrap over runs)', () => {
  it('cover the true exponent about as often as they claim', () => {
    let covered = 0, usable = 0, widths = 0;
    for (let s = 0; s < 40; s++) {
      const budgets = budgetsOf(study(100 + s, 0.004));
      if (budgets.filter((b) => b.ok).length < 3) continue;
      const r = runNoiseIntervals('g', budgets, { resamples: 300, seed: s });
      const iv = r.intervals.flopsPerToken!;
      usable++;
      widths += (iv.upper - iv.lower) / 2;
      if (iv.lower <= TRUE_ALPHA && TRUE_ALPHA <= iv.upper) covered++;
      expect(r.noise.replicateSpread).toBeCloseTo(0.004, 3);
      expect(r.noise.relativeSpread).toBe(Math.max(r.noise.replicateSpread!, r.noise.residualSpread!));
      expect(r.noise.residualSpread! / 0.004).toBeGreaterThan(0.3);
      expect(r.noise.residualSpread! / 0.004).toBeLessThan(2);
    }
    expect(usable).toBeGreaterThanOrEqual(30);
    // Nominal 95%: with 30+ studies, fewer than 80% covered would mean the intervals are too narrow.
    expect(covered / usable).toBeGreaterThanOrEqual(0.8);
    // …and they are informative: at 0.4% noise the mean half-width stays well below the exponent itself.
    expect(widths / usable).toBeLessThan(0.25);
  });

  it('widens with the noise and counts resamples whose parabola has no minimum', () => {
    const quiet = runNoiseIntervals('g', budgetsOf(study(7, 0.001)), { resamples: 400 });
    const loud = runNoiseIntervals('g', budgetsOf(study(7, 0.001)), { resamples: 400, relativeSpread: { g: 0.03 } });
    const hw = (r: typeof quiet) => (r.intervals.flopsPerToken!.upper - r.intervals.flopsPerToken!.lower) / 2;
    expect(hw(loud)).toBeGreaterThan(5 * hw(quiet));
    expect(loud.noise.source).toBe('given');
    expect(loud.failures).toBeGreaterThan(0);
    expect(quiet.failures).toBe(0);
    expect(quiet.intervals.loss!.upper).toBeLessThan(0);
    // Noise large enough to throw vertices out to absurd sizes: counted as failures, never an exception.
    const wild = runNoiseIntervals('g', budgetsOf(study(7, 0.001)), { resamples: 300, relativeSpread: { g: 0.5 } });
    expect(wild.failures).toBeGreaterThan(30);
    expect(wild.failures).toBeLessThan(300);
  });

  it('without replicates uses the parabolas\' residual scatter; with neither, the evaluation standard error, and says so', () => {
    const r = runNoiseIntervals('g', budgetsOf(study(9, 0.002, 1)), { resamples: 200 });
    expect(r.noise.source).toBe('residuals');
    expect(r.noise.replicateSpread).toBeUndefined();
    expect(r.noise.relativeSpread).toBe(r.noise.residualSpread);
    // Three sizes per budget leave no residual degrees of freedom.
    const three = study(9, 0.002, 1).filter((run) => !/-(-2|2)$/.test(run.id!));
    const s = runNoiseIntervals('g', budgetsOf(three), { resamples: 200 });
    expect(s.noise.source).toBe('standard-error');
    expect(s.noise.relativeSpread).toBeUndefined();
  });

  it('is reproducible per seed and reaches the exponent table through fitStudy', () => {
    const runs = study(11, 0.003);
    const a = fitStudy(runs, { isoflop: { budgets: BUDGETS }, frontier: { resamples: 200 }, runNoise: { resamples: 300, seed: 4 } });
    const b = fitStudy(runs, { isoflop: { budgets: BUDGETS }, frontier: { resamples: 200 }, runNoise: { resamples: 300, seed: 4 } });
    expect(a.exponentTable[0]!.runNoise!.alphaM).toEqual(b.exponentTable[0]!.runNoise!.alphaM);
    expect(a.exponentTable[0]!.runNoise!.alphaM!.estimate).toBeCloseTo(a.exponentTable[0]!.alphaM!.estimate, 10);
    expect(a.runNoise!.g).toMatchObject({ budgets: 4, resamples: 300 });
  });

  it('refuses a group with fewer than three usable budgets', () => {
    const budgets = budgetsOf(study(3, 0.002)).slice(0, 2);
    expect(() => runNoiseIntervals('g', budgets)).toThrow(/only 2 usable budget/);
  });
});

describe('run-noise intervals with trajectories (points read off one run share its noise)', () => {
  // Every budget's five sizes read off five runs (one per size and budget offset), as the curve design does.
  const curveStudy = (): ScalingRun[] => study(7, 0.004, 1).map((r, i) => ({ ...r, trajectory: `size${i % 5}` }));
  it('persistence 0 draws every point on its own: the same intervals as rows without trajectories', () => {
    const plain = study(7, 0.004, 1);
    const a = fitStudy(plain, { isoflop: { budgets: BUDGETS }, runNoise: { resamples: 300, relativeSpread: { g: 0.004 } } });
    const b = fitStudy(curveStudy(), { isoflop: { budgets: BUDGETS }, runNoise: { resamples: 300, relativeSpread: { g: 0.004 } } });
    expect(b.exponentTable[0]!.runNoise!.alphaM).toEqual(a.exponentTable[0]!.runNoise!.alphaM);
    const rn = b.runNoise!.g as { noise: { persistence: number; trajectories: number } };
    expect(rn.noise).toMatchObject({ persistence: 0, trajectories: 5 });
  });
  it('an offset shared by every point of a budget cancels in the vertex: one trajectory, persistence 1, no width', () => {
    const one = study(7, 0.004, 1).map((r) => ({ ...r, trajectory: 'all' }));
    const f = fitStudy(one, { isoflop: { budgets: BUDGETS }, runNoise: { resamples: 200, relativeSpread: { g: 0.004 }, persistence: { g: 1 } } });
    const iv = f.exponentTable[0]!.runNoise!.alphaM!;
    expect(iv.upper - iv.lower).toBeLessThan(1e-6);
    const indep = fitStudy(one, { isoflop: { budgets: BUDGETS }, runNoise: { resamples: 200, relativeSpread: { g: 0.004 } } }).exponentTable[0]!.runNoise!.alphaM!;
    expect(indep.upper - indep.lower).toBeGreaterThan(0.05);
  });
  it('refuses a persistence outside [0, 1]', () => {
    const budgets = isoflopAnalysis(resolveRuns(curveStudy()).runs, { budgets: BUDGETS });
    expect(() => runNoiseIntervals('g', budgets, { persistence: { g: 1.5 } })).toThrow(/persistence of group g must lie in \[0, 1\]/);
  });
});
