import { describe, expect, it } from 'vitest';
import { createFitRng, evalCurveModel, fitCurveModel, fitCurveModelThroughEma, lossAtTokens } from './index.js';

describe('loss curves', () => {
  const truth = { C: 2.1, B: 40, b: 0.3 };
  const tokens = Array.from({ length: 20 }, (_, i) => 1e8 * 1.5 ** i);
  const curve = { tokens, loss: tokens.map((t) => evalCurveModel(truth, t)) };

  it('fits L(S) = C + B·S^-b to a clean curve', () => {
    const m = fitCurveModel(curve);
    expect(m.C).toBeCloseTo(2.1, 3);
    expect(m.b).toBeCloseTo(0.3, 3);
  });

  it('reads the loss between logged points by both methods and refuses to extrapolate', () => {
    const t = 1e8 * 1.5 ** 7.5;
    const exact = evalCurveModel(truth, t);
    expect(Math.abs(lossAtTokens(curve, t)! / exact - 1)).toBeLessThan(2e-3);
    expect(Math.abs(lossAtTokens(curve, t, 'curve-model')! / exact - 1)).toBeLessThan(1e-6);
    expect(lossAtTokens(curve, 1e7)).toBeUndefined();
    expect(lossAtTokens(curve, tokens.at(-1)! * 2)).toBeUndefined();
  });

  it('fits through the EMA that smoothed a curve: the lag a short run\'s EMA carries does not bias the read', () => {
    // A run of 600 steps of 1024 tokens whose per-step loss follows the law (plus noise); what a study logs is the
    // EMA (γ = 0.96) of it, every 3 steps, after a warmup of 50 steps.
    const law = { C: 1.9, B: 60, b: 0.35 };
    const rng = createFitRng(7);
    const gamma = 0.96, tpS = 1024;
    let ema = Number.NaN;
    const steps: number[] = [], emaLoss: number[] = [];
    for (let k = 1; k <= 600; k++) {
      const raw = (k < 20 ? 5.5 : evalCurveModel(law, k * tpS)) * (1 + 0.01 * rng.normal());
      ema = Number.isNaN(ema) ? raw : gamma * ema + (1 - gamma) * raw;
      if (k > 50 && k % 3 === 0) { steps.push(k); emaLoss.push(ema); }
    }
    const curve = { tokens: steps.map((k) => k * tpS), loss: emaLoss };
    const at = 100 * tpS, truthAt = evalCurveModel(law, at);
    // Fitting the EMA as if it were the loss reads it about 24 steps late: too high at 100 steps.
    const naive = evalCurveModel(fitCurveModel(curve), at) / truthAt - 1;
    expect(naive).toBeGreaterThan(0.01);
    const m = fitCurveModelThroughEma({ ...curve, steps }, { gamma });
    expect(Math.abs(evalCurveModel(m, at) / truthAt - 1)).toBeLessThan(0.002);
    expect(Math.abs(evalCurveModel(m, 600 * tpS) / evalCurveModel(law, 600 * tpS) - 1)).toBeLessThan(0.002);
    expect(() => fitCurveModelThroughEma({ tokens: [1, 2, 3, 4], loss: [4, 3, 2, 1], steps: [1, 3, 2, 4] }, { gamma })).toThrow(/steps must increase/);
    expect(() => fitCurveModelThroughEma({ ...curve, steps }, { gamma: 1 })).toThrow(/gamma/);
    expect(() => fitCurveModelThroughEma({ tokens: [1, 2, 3, 4], loss: [4, 3, 2, 1], steps: [1, 2.5, 3, 4] }, { gamma })).toThrow(/steps must be integers, got 2.5/);
  });
});
