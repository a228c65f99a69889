import { describe, expect, it } from 'vitest';
import { evalCurveModel, fitCurveModel, lossAtTokens } from './index.js';

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
});
