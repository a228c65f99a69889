import { describe, expect, it } from 'vitest';
import { fitStudy, studyMarkdown, type ScalingRun } from './index.js';
import { createFitRng } from './rng.js';

describe('fitStudy', () => {
  it('fits the parametric law per group and reports its allocation exponents', () => {
    const rng = createFitRng(21);
    const laws = { masked: { A: 400, B: 1500, E: 2.1, alpha: 0.3, beta: 0.36 }, uniform: { A: 300, B: 1300, E: 2.2, alpha: 0.31, beta: 0.35 } };
    const runs: ScalingRun[] = [];
    for (const [group, l] of Object.entries(laws)) {
      for (let i = 0; i < 80; i++) {
        const n = Math.exp(Math.log(2e7) + rng.next() * Math.log(100)), d = Math.exp(Math.log(1e8) + rng.next() * Math.log(1000));
        runs.push({ group, params: n, tokens: d, loss: (l.E + l.A / n ** l.alpha + l.B / d ** l.beta) * Math.exp(0.002 * (2 * rng.next() - 1)) });
      }
    }
    const fit = fitStudy(runs, { parametric: 'approach3-mle', frontier: { resamples: 0 } });
    for (const [group, l] of Object.entries(laws)) {
      const p = fit.parametric![group]!;
      if ('error' in p) throw new Error(p.error);
      expect(Math.abs(p.alpha - l.alpha)).toBeLessThan(0.03);
      expect(Math.abs(p.beta - l.beta)).toBeLessThan(0.03);
      expect(p.allocation.a + p.allocation.b).toBeCloseTo(1, 12);
    }
    expect(studyMarkdown(fit)).toMatch(/\| masked \| approach3-mle \|/);
  });

  it('applies the outlier rule before fitting and fits the LR law when batch sizes and LRs are present', () => {
    const runs: ScalingRun[] = [];
    for (const B of [2 ** 14, 2 ** 16, 2 ** 18]) {
      for (const f of [0.25, 0.5, 1, 2, 4]) {
        const eta = 0.02 * B ** 0.34 * f;
        runs.push({ flopsPerToken: 1e9, tokens: 1e10, batchSize: B, learningRate: eta, loss: 3 * Math.exp(0.05 * Math.log(f) ** 2) });
      }
    }
    runs.push({ flopsPerToken: 1e9, tokens: 1e10, batchSize: 64, learningRate: 1, loss: 100 });
    const fit = fitStudy(runs, { dropTopLoss: 1, frontier: { resamples: 0 } });
    expect(fit.runsUsed).toBe(15);
    expect(fit.hyperparameters.learningRate[0]!.fit!.slope).toBeCloseTo(0.34, 6);
  });
});
