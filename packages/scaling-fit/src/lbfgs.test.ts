import { describe, expect, it } from 'vitest';
import { approach3Objective, centreParametricData, HOFFMANN_THETA, minimizeLbfgs, shiftTheta, toParametricData } from './index.js';
import { createFitRng } from './rng.js';

const rosenbrock = (x: Float64Array, g: Float64Array): number => {
  const a = x[0]!, b = x[1]!;
  g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
  g[1] = 200 * (b - a * a);
  return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
};

// Chinchilla-like synthetic runs: Epoch's law with 1% multiplicative noise (summed Huber objective ≈ 1e-3).
function chinchillaLike(seed: number, k = 200): { n: number; d: number; loss: number }[] {
  const rng = createFitRng(seed);
  const law = { A: 482, B: 2085, E: 1.817, alpha: 0.348, beta: 0.366 };
  return Array.from({ length: k }, () => {
    const n = Math.exp(Math.log(5e7) + rng.next() * Math.log(300));
    const d = Math.exp(Math.log(3e8) + rng.next() * Math.log(1000));
    const loss = (law.E + law.A / n ** law.alpha + law.B / d ** law.beta) * Math.exp(0.01 * (rng.next() - 0.5));
    return { n, d, loss };
  });
}

describe('minimizeLbfgs', () => {
  it('finds the Rosenbrock minimum and reports gradient convergence', () => {
    const r = minimizeLbfgs(rosenbrock, [-1.2, 1]);
    expect(r.reason).toBe('gradient');
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(1, 6);
  });

  it('does not modify the start point', () => {
    const x0 = [-1.2, 1];
    minimizeLbfgs(rosenbrock, x0);
    expect(x0).toEqual([-1.2, 1]);
  });

  it('pitfall: a relative-f stopping rule stops a ~1e-3 summed-Huber objective near its start; the gradient rule does not', () => {
    const { data, meanLogN, meanLogD } = centreParametricData(toParametricData(chinchillaLike(7)));
    const fg = approach3Objective(data, 1e-3);
    const start = shiftTheta(HOFFMANN_THETA, meanLogN, meanLogD, 1);
    const g = new Float64Array(5);
    const f0 = fg(Float64Array.from(start), g);
    expect(f0).toBeLessThan(0.05); // the whole objective is small, so |Δf| < tol·max(|f|, 1) holds from the first step
    const naive = minimizeLbfgs(fg, start, { relativeFunctionTolerance: 1e-5, gradientTolerance: 0 });
    const right = minimizeLbfgs(fg, start, { gradientTolerance: 1e-8, maxIterations: 2000 });
    expect(naive.reason).toBe('relative-f');
    expect(naive.iterations).toBeLessThanOrEqual(10);
    expect(right.reason).toBe('gradient');
    expect(right.f).toBeLessThan(naive.f / 2);
    // The early stop leaves β next to Hoffmann's start (0.285); the gradient rule recovers the generating 0.366.
    expect(Math.abs(naive.x[4]! - HOFFMANN_THETA[4]!)).toBeLessThan(0.03);
    expect(right.x[4]).toBeCloseTo(0.366, 1);
  });
});
