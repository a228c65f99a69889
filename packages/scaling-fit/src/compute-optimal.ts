// Compute-optimal allocation under a parametric law L = E + A/N^α + B/D^β with C = k·N·D (k = 6 for
// parameters, Hoffmann et al. eq. 4): G = (αA/(βB))^{1/(α+β)}, N* = G·(C/k)^a, D* = (C/k)^b / G with
// allocation exponents a = β/(α+β), b = α/(α+β).
import type { ParametricLaw } from './approach3.js';

export interface ComputeOptimal {
  compute: number;
  size: number;
  tokens: number;
  loss: number;
}

/** Allocation exponents a (size) and b (tokens); a + b = 1. */
export function allocationExponents(law: Pick<ParametricLaw, 'alpha' | 'beta'>): { a: number; b: number } {
  const s = law.alpha + law.beta;
  if (!(s > 0)) throw new Error(`alpha + beta must be positive for a compute-optimal allocation, got ${s}`);
  return { a: law.beta / s, b: law.alpha / s };
}

/** N*(C), D*(C) and L(N*, D*). `flopsPerParamToken` is k in C = k·N·D (6 for parameter counts, 1 for FLOPs/token). */
export function computeOptimal(law: ParametricLaw, compute: number, flopsPerParamToken = 6): ComputeOptimal {
  if (!(compute > 0)) throw new Error(`compute must be positive, got ${compute}`);
  const { a, b } = allocationExponents(law);
  const G = Math.pow((law.alpha * law.A) / (law.beta * law.B), 1 / (law.alpha + law.beta));
  const size = G * Math.pow(compute / flopsPerParamToken, a);
  const tokens = Math.pow(compute / flopsPerParamToken, b) / G;
  return { compute, size, tokens, loss: law.E + law.A / Math.pow(size, law.alpha) + law.B / Math.pow(tokens, law.beta) };
}

/** Predicted loss L(N, D). */
export function parametricLoss(law: ParametricLaw, size: number, tokens: number): number {
  return law.E + law.A / Math.pow(size, law.alpha) + law.B / Math.pow(tokens, law.beta);
}
