import { describe, expect, it } from 'vitest';
import { elboGrid } from './elbo-grid.js';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

describe('ELBO λ grid', () => {
  it('for p(λ) = σ′(λ) is a linear α grid with equal weights summing to α_max − α_min', () => {
    const g = elboGrid({ levels: 8 });
    const alphas = g.logSnr.map(sigmoid);
    for (let k = 1; k < 8; k++) expect(alphas[k]! - alphas[k - 1]!).toBeCloseTo((sigmoid(9) - sigmoid(-9)) / 8, 12);
    const total = g.weights.reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(sigmoid(9) - sigmoid(-9), 12);
  });

  it('integrates e(λ)·p(λ) for another density: ∫ e·p dλ with e = 1/p gives the λ range', () => {
    // p(λ) = N(0, 3²) restricted to the range; e(λ) = g(λ)/p(λ) with g = σ′ → ∫ g dλ = σ(9) − σ(−9).
    const p = (l: number): number => Math.exp(-(l * l) / 18) / Math.sqrt(18 * Math.PI);
    const g = elboGrid({ levels: 400, logSnrDensity: p });
    const est = g.logSnr.reduce((acc, l, k) => acc + g.weights[k]! * (sigmoid(l) * sigmoid(-l)) / p(l), 0);
    expect(est).toBeCloseTo(sigmoid(9) - sigmoid(-9), 6);
  });

  it('rejects a bad level count', () => {
    expect(() => elboGrid({ levels: 0 })).toThrow(/eval\.levels/);
  });
});
