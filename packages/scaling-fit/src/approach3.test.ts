import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocationExponents, approach3MleObjective, approach3Objective, chinchillaGrid, computeOptimal, fitApproach3, fitApproach3Mle, toParametricData,
} from './index.js';
import { createFitRng } from './rng.js';

function synthetic(law: { A: number; B: number; E: number; alpha: number; beta: number }, seed: number, noise: number, k = 150) {
  const rng = createFitRng(seed);
  return Array.from({ length: k }, () => {
    const n = Math.exp(Math.log(5e7) + rng.next() * Math.log(300));
    const d = Math.exp(Math.log(3e8) + rng.next() * Math.log(1000));
    const loss = (law.E + law.A / n ** law.alpha + law.B / d ** law.beta) * Math.exp(noise * (2 * rng.next() - 1));
    return { n, d, loss };
  });
}

function finiteDifferenceCheck(fg: (x: Float64Array, g: Float64Array) => number, theta: number[]): void {
  const g = new Float64Array(theta.length), tmp = new Float64Array(theta.length);
  fg(Float64Array.from(theta), g);
  for (let j = 0; j < theta.length; j++) {
    const h = 1e-6;
    tmp.set(theta); tmp[j]! += h; const fp = fg(tmp, new Float64Array(theta.length));
    tmp.set(theta); tmp[j]! -= h; const fm = fg(tmp, new Float64Array(theta.length));
    const fd = (fp - fm) / (2 * h);
    expect(Math.abs(fd - g[j]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(fd)));
  }
}

describe('Approach 3', () => {
  it('has a 4,500-point start grid with the documented values', () => {
    const g = chinchillaGrid();
    expect(g).toHaveLength(4500);
    expect(new Set(g.map((s) => s[0])).size).toBe(6);
    expect(new Set(g.map((s) => s[2])).size).toBe(5);
  });

  it('analytic gradients match finite differences (Huber and maximum-likelihood objectives)', () => {
    // Residuals far outside δ keep the finite differences away from the Huber kink.
    const data = toParametricData(synthetic({ A: 400, B: 400, E: 1.7, alpha: 0.34, beta: 0.28 }, 1, 0.05, 40));
    fc.assert(fc.property(
      fc.double({ min: 2, max: 8, noNaN: true }), fc.double({ min: 2, max: 8, noNaN: true }), fc.double({ min: -0.5, max: 1, noNaN: true }),
      fc.double({ min: 0.1, max: 0.6, noNaN: true }), fc.double({ min: 0.1, max: 0.6, noNaN: true }),
      (a, b, e, al, be) => {
        finiteDifferenceCheck(approach3Objective(data, 10), [a, b, e, al, be]);
        finiteDifferenceCheck(approach3MleObjective(data, 1e-3), [a, b, e, al, be, Math.log(0.3)]);
      },
    ), { numRuns: 25, seed: 3 });
  });

  it('recovers known parameters from noisy synthetic runs (seeded loop)', () => {
    for (const [seed, law] of [
      [11, { A: 406.4, B: 410.7, E: 1.69, alpha: 0.34, beta: 0.28 }],
      [12, { A: 482, B: 2085, E: 1.817, alpha: 0.348, beta: 0.366 }],
      [13, { A: 200, B: 1000, E: 2.2, alpha: 0.3, beta: 0.35 }],
    ] as const) {
      const pts = synthetic(law, seed, 0.002);
      const starts = chinchillaGrid().filter((_, i) => i % 45 === 0); // 100 of the 4,500 starts keep this fast
      const fit = fitApproach3(pts, { starts });
      expect(Math.abs(fit.alpha - law.alpha)).toBeLessThan(0.03);
      expect(Math.abs(fit.beta - law.beta)).toBeLessThan(0.03);
      expect(Math.abs(fit.E - law.E) / law.E).toBeLessThan(0.03);
      const mle = fitApproach3Mle(pts);
      expect(Math.abs(mle.alpha - law.alpha)).toBeLessThan(0.03);
      expect(Math.abs(mle.E - law.E) / law.E).toBeLessThan(0.03);
    }
  });

  it('rejects non-positive or non-finite inputs, naming the row and field', () => {
    const pts = synthetic({ A: 400, B: 400, E: 1.7, alpha: 0.34, beta: 0.28 }, 2, 0.01, 10);
    expect(() => fitApproach3([...pts, { n: 1e8, d: 1e9, loss: -1 }])).toThrow(/points\[10\]\.loss/);
    expect(() => fitApproach3([...pts, { n: NaN, d: 1e9, loss: 3 }])).toThrow(/points\[10\]\.n/);
    expect(() => fitApproach3(pts.slice(0, 4))).toThrow(/at least 6/);
  });
});

describe('compute-optimal allocation', () => {
  it("reproduces the README's allocations for Epoch's parameters", () => {
    const law = { A: 482.01, B: 2085.43, E: 1.8169, alpha: 0.34781, beta: 0.36585 };
    const c21 = computeOptimal(law, 1e21), c23 = computeOptimal(law, 1e23);
    expect(c21.size / 2.78e9).toBeCloseTo(1, 2);
    expect(c21.tokens / 6.0e10).toBeCloseTo(1, 2);
    expect(c23.size / 2.95e10).toBeCloseTo(1, 2);
    expect(c23.tokens / 5.66e11).toBeCloseTo(1, 2);
    expect(allocationExponents(law).a).toBeCloseTo(0.513, 3);
    expect(6 * c21.size * c21.tokens).toBeCloseTo(1e21, -12);
  });
});
