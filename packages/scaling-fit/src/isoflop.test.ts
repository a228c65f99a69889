import { describe, expect, it } from 'vitest';
import { analyseBudget, fitStudy, isoflopAnalysis, parabolaCurve, resolveRuns, type ScalingRun } from './index.js';
import { createFitRng } from './rng.js';

// Paper Table 7, Method 1 sq. fit (SPEC §5.4): M* = A·C^α, D* = A·C^α, L* = A·C^α.
const TABLE7 = {
  masked: { M: [0.01761, 0.56629], D: [56.78711, 0.43371], L: [27.21883, -0.04961] },
  uniform: { M: [0.00618, 0.58879], D: [161.92545, 0.41121], L: [31.26171, -0.05219] },
} as const;

/** A synthetic IsoFLOP grid: per budget, 7 sizes around M*(C) on a parabola in ln M, with seeded noise. */
function isoflopGrid(seed: number, noise: number): ScalingRun[] {
  const rng = createFitRng(seed);
  const runs: ScalingRun[] = [];
  for (const [group, t] of Object.entries(TABLE7)) {
    for (let k = 0; k < 8; k++) {
      const C = 1e18 * 10 ** (k * 0.3);
      const mStar = t.M[0] * C ** t.M[1], lStar = t.L[0] * C ** t.L[1];
      for (let j = -3; j <= 3; j++) {
        const M = mStar * Math.exp(0.5 * j + 0.05 * (rng.next() - 0.5));
        const lnL = Math.log(lStar) + 0.04 * (Math.log(M) - Math.log(mStar)) ** 2 + noise * (2 * rng.next() - 1);
        runs.push({ group, flopsPerToken: M, compute: C, loss: Math.exp(lnL) });
      }
    }
  }
  return runs;
}

describe('IsoFLOP analysis', () => {
  it('recovers Table 7 exponents from a synthetic grid; the true exponents lie inside the bootstrap intervals', () => {
    const fit = fitStudy(isoflopGrid(5, 0.002), { frontier: { resamples: 2000, seed: 1 } });
    expect(fit.frontierIssues.filter((i) => i.quantity !== 'params')).toEqual([]);
    for (const row of fit.exponentTable) {
      const t = TABLE7[row.group as keyof typeof TABLE7];
      for (const [iv, truth] of [[row.alphaM!, t.M[1]], [row.alphaD!, t.D[1]], [row.alphaL!, t.L[1]]] as const) {
        expect(iv.lower).toBeLessThanOrEqual(truth);
        expect(iv.upper).toBeGreaterThanOrEqual(truth);
        expect(Math.abs(iv.estimate - truth)).toBeLessThan(0.02);
      }
      // M*·D* = C on every budget, so the exponents add to 1.
      expect(row.alphaM!.estimate + row.alphaD!.estimate).toBeCloseTo(1, 6);
    }
    const lMasked = fit.frontiers.find((f) => f.group === 'masked' && f.quantity === 'loss')!;
    expect(lMasked.law.A / 27.21883).toBeGreaterThan(0.8);
    expect(lMasked.law.A / 27.21883).toBeLessThan(1.25);
    expect(lMasked.law.rSquared).toBeGreaterThan(0.99);
  });

  it('reads loss at budgets from curves and keeps the best run per size over batch size and LR', () => {
    const curve = (scale: number) => ({ tokens: [1e8, 1e9, 1e10, 1e11], loss: [6, 4, 3, 2.5].map((l) => l * scale) });
    const runs: ScalingRun[] = [
      { id: 'a', flopsPerToken: 1e9, learningRate: 0.1, curve: curve(1) },
      { id: 'b', flopsPerToken: 1e9, learningRate: 0.3, curve: curve(0.9) },
      { id: 'c', flopsPerToken: 2e9, curve: curve(1) },
    ];
    const budgets = isoflopAnalysis(resolveRuns(runs).runs, { budgets: [1e19, 1e22] });
    const b19 = budgets[0]!;
    expect(b19.points.map((p) => p.runId)).toEqual(['b', 'c']);
    // 1e10 tokens is the middle of three logged points of run b; the local log-log line through them gives
    // their geometric-mean loss there.
    expect(b19.points[0]!.loss).toBeCloseTo(Math.cbrt(3.6 * 2.7 * 2.25), 9);
    expect(b19.issues[0]).toMatch(/only 2 model size/);
    expect(budgets[1]!.points).toEqual([]); // 1e22 FLOPs lies beyond every curve: no extrapolation
  });

  it('auto budgets never merge a chain of nearby computes into one wide budget', () => {
    const runs: ScalingRun[] = Array.from({ length: 30 }, (_, k) => ({ flopsPerToken: 1e8 * (1 + (k % 5)), compute: 1e19 * 1.08 ** k, loss: 3 }));
    const budgets = isoflopAnalysis(resolveRuns(runs).runs);
    expect(budgets.length).toBeGreaterThan(5);
    const used = budgets.flatMap((b) => b.points.map((p) => ({ b: b.budget, c: p.flopsPerToken * p.tokens })));
    for (const u of used) expect(Math.abs(Math.log(u.c / u.b))).toBeLessThanOrEqual(Math.log(1.25) + 1e-12);
  });

  it('reports bad budgets instead of fitting them: too few sizes, a parabola opening downward', () => {
    const p = (M: number, loss: number) => ({ runId: String(M), params: undefined, flopsPerToken: M, tokens: 1e20 / M, loss, batchSize: undefined, learningRate: undefined });
    const two = analyseBudget('g', 1e20, [p(1e9, 3), p(2e9, 2.9)]);
    expect(two.ok).toBe(false);
    expect(two.parabolas).toEqual({});
    const down = analyseBudget('g', 1e20, [p(1e9, 3), p(2e9, 3.2), p(4e9, 3)]);
    expect(down.ok).toBe(false);
    expect(down.issues.join()).toMatch(/opens downward/);
    expect(down.parabolas.flopsPerToken).toBeUndefined();
    const edge = analyseBudget('g', 1e20, [p(1e9, 3.3), p(2e9, 3.1), p(4e9, 3.0)]);
    expect(edge.ok).toBe(false);
    expect(edge.issues.join()).toMatch(/outside the sampled sizes/);
  });

  it('drops bad runs (non-positive, NaN) with a message and never lets them into a fit', () => {
    const runs = [...isoflopGrid(9, 0.002), { group: 'masked', flopsPerToken: -1, compute: 1e19, loss: 3 }, { group: 'masked', flopsPerToken: 1e9, compute: 1e19, loss: NaN }, { group: 'masked', flopsPerToken: 1e9, compute: 1e19, loss: 0 }];
    const fit = fitStudy(runs, { frontier: { resamples: 0 } });
    expect(fit.runIssues).toHaveLength(3);
    expect(fit.runIssues.map((i) => i.message).join('\n')).toMatch(/flopsPerToken must be a finite positive number[\s\S]*loss must be[\s\S]*loss must be/);
    expect(fit.runsUsed).toBe(112);
  });

  it('lists frontiers it cannot fit (fewer than 3 usable budgets) instead of fitting them', () => {
    const runs = isoflopGrid(3, 0.002).filter((r) => r.compute! < 3e18);
    const fit = fitStudy(runs, { frontier: { resamples: 0 } });
    expect(fit.frontiers).toEqual([]);
    expect(fit.frontierIssues.length).toBeGreaterThan(0);
    expect(fit.frontierIssues[0]!.message).toMatch(/usable budget/);
  });
});

describe('parabolaCurve', () => {
  it('draws the fitted parabola over the sampled sizes, log-spaced, and nothing without one', () => {
    const q = { c0: 2, c1: -0.3, c2: 0.02, optimum: 0, lossAtOptimum: 0 };
    const budget = { budget: 1e12, points: [{ flopsPerToken: 1e4 }, { flopsPerToken: 1e6 }], parabolas: { flopsPerToken: q } } as unknown as Parameters<typeof parabolaCurve>[0];
    const curve = parabolaCurve(budget, 'flopsPerToken', 5);
    expect(curve).toHaveLength(5);
    for (const [i, x] of [[0, 1e4], [2, 1e5], [4, 1e6]] as const) expect(curve[i]!.x / x).toBeCloseTo(1, 12);
    for (const c of curve) expect(Math.log(c.loss)).toBeCloseTo(q.c0 + q.c1 * Math.log(c.x) + q.c2 * Math.log(c.x) ** 2, 9);
    expect(parabolaCurve({ ...budget, parabolas: {} } as typeof budget)).toEqual([]);
  });
});
