import { describe, expect, it } from 'vitest';
import { fitBatchSizeLaw, fitIsoLossHyperbola, fitLearningRateLaw, isoLossSteps, resolveRuns, studentTQuantile, tokensToTarget, type ScalingRun } from './index.js';

// B*(D) = 3.614e-3·D^0.8179 (the design-time law, SPEC §5.1); tokens-to-target exactly quadratic in ln B.
const bStar = (d: number): number => 3.614098626e-3 * d ** 0.8179;
const d0 = (target: number): number => 1e9 * (target / 3) ** -12;

function batchRuns(group: string): ScalingRun[] {
  const targets = Array.from({ length: 30 }, (_, i) => 3.6 - i * 0.02);
  const runs: ScalingRun[] = [];
  for (let k = 11; k <= 19; k++) {
    const B = 2 ** k;
    // The curve passes through (T(B, ℓ), ℓ) for each level ℓ: T = D0(ℓ)·exp(0.05·(ln B − ln B*(D0))²), monotone in ℓ over this range.
    const pts = targets.map((l) => ({ t: d0(l) * Math.exp(0.05 * (Math.log(B) - Math.log(bStar(d0(l)))) ** 2), l })).sort((a, b) => a.t - b.t);
    runs.push({ group, flopsPerToken: 1e9, batchSize: B, curve: { tokens: pts.map((p) => p.t), loss: pts.map((p) => p.l) } });
  }
  return runs;
}

describe('hyperparameter laws', () => {
  it('B*(D): quadratic vertices in (ln B, ln tokens) recover the generating slope with a 99% interval', () => {
    const { runs } = resolveRuns(batchRuns('masked'));
    const [law] = fitBatchSizeLaw(runs, [3.5, 3.45, 3.4, 3.35, 3.3]);
    expect(law!.fit!.slope).toBeCloseTo(0.8179, 4);
    expect(law!.fit!.intercept).toBeCloseTo(Math.log(3.614098626e-3), 3);
    expect(law!.vertices).toHaveLength(5);
    expect(law!.fit!.level).toBe(0.99);
  });

  it('η*(B): quadratic vertices in (ln η, ln loss), then OLS of ln η* on ln B', () => {
    const etaStar = (B: number): number => 0.02 * B ** 0.3412;
    const runs: ScalingRun[] = [];
    const noise = [0, 0.01, -0.012, 0.007, -0.004, 0.011];
    let k = 0;
    for (const B of [2 ** 14, 2 ** 16, 2 ** 18, 2 ** 20]) {
      const e = etaStar(B) * Math.exp(noise[k++ % noise.length]!);
      for (const eta of [0.25, 0.5, 1, 2, 4].map((f) => f * etaStar(B))) {
        runs.push({ flopsPerToken: 1e9, tokens: 1e10, batchSize: B, learningRate: eta, loss: 3 * Math.exp(0.05 * Math.log(eta / e) ** 2) });
      }
    }
    const [law] = fitLearningRateLaw(resolveRuns(runs).runs);
    expect(law!.fit!.slope - law!.fit!.slopeHalfWidth).toBeLessThan(0.3412);
    expect(law!.fit!.slope + law!.fit!.slopeHalfWidth).toBeGreaterThan(0.3412);
    expect(Math.abs(law!.fit!.slope - 0.3412)).toBeLessThan(0.01);
  });

  it('reports cells whose quadratic opens downward or peaks outside the range instead of using them', () => {
    const runs: ScalingRun[] = [0.1, 0.2, 0.4].map((eta, i) => ({ flopsPerToken: 1e9, tokens: 1e10, batchSize: 64, learningRate: eta, loss: [3, 2.9, 2.8][i] }));
    const [law] = fitLearningRateLaw(resolveRuns(runs).runs);
    expect(law!.fit).toBeUndefined();
    expect(law!.skipped.join()).toMatch(/outside the sampled range|opens downward/);
  });

  it('tokensToTarget interpolates in log-log and returns undefined when the target is never reached', () => {
    const c = { tokens: [1e9, 1e10], loss: [4, 2] };
    expect(tokensToTarget(c, Math.sqrt(8))).toBeCloseTo(Math.sqrt(1e19), -3);
    expect(tokensToTarget(c, 1.5)).toBeUndefined();
  });
});

describe('iso-loss hyperbola', () => {
  it('recovers S_min, B_min, α and gives B* = 2^{1/α}·B_min', () => {
    const truth = { sMin: 200, bMin: 2000, alpha: 0.17 };
    const bs = [3e3, 6e3, 1.2e4, 2.5e4, 5e4, 1e5, 2e5, 4e5];
    const fit = fitIsoLossHyperbola(bs, bs.map((b) => isoLossSteps(truth, b)));
    expect(fit.alpha).toBeCloseTo(0.17, 3);
    expect(fit.bMin / 2000).toBeCloseTo(1, 2);
    expect(fit.sMin / 200).toBeCloseTo(1, 2);
    expect(fit.bStar).toBeCloseTo(2 ** (1 / fit.alpha) * fit.bMin, 6);
    expect(fit.dStar).toBeCloseTo(4 ** (1 / fit.alpha) * fit.bMin * fit.sMin, -3);
    // The curve at B* passes through S*: ((S*/S_min)^α − 1)((B*/B_min)^α − 1) = 1.
    expect(((fit.sStar / fit.sMin) ** fit.alpha - 1) * ((fit.bStar / fit.bMin) ** fit.alpha - 1)).toBeCloseTo(1, 9);
  });
});

describe('Student t quantiles', () => {
  it('matches tables', () => {
    expect(studentTQuantile(0.995, 10)).toBeCloseTo(3.1693, 3);
    expect(studentTQuantile(0.975, 5)).toBeCloseTo(2.5706, 3);
    expect(studentTQuantile(0.005, 30)).toBeCloseTo(-2.75, 2);
  });
});
