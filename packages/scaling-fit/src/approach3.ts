// Chinchilla Approach 3 (Hoffmann et al. 2022 App. D.2, as re-run by Besiroglu et al. 2024; SPEC §5.3 item 6):
// L(N, D) = E + A/N^α + B/D^β fitted as ln L̂ = LSE(a − α ln N, b − β ln D, e) with A = eᵃ, B = eᵇ, E = eᵉ,
// minimising Σ Huber_δ(ln L̂ − ln L) (δ = 1e-3) by L-BFGS with analytic gradients from a multi-start grid.
import { minimizeLbfgs, type LbfgsOptions, type ObjectiveWithGradient } from './lbfgs.js';
import { toParametricData, type ParametricData, type ParametricPoint } from './parametric-data.js';

/** Fitted parametric law (natural-scale and log-scale coefficients). */
export interface ParametricLaw {
  A: number;
  B: number;
  E: number;
  alpha: number;
  beta: number;
}

export interface Approach3Result extends ParametricLaw {
  /** Summed Huber objective at the optimum. */
  objective: number;
  /** The optimum in the optimiser's coordinates [a, b, e, α, β]. */
  theta: number[];
  starts: number;
  convergedStarts: number;
  iterations: number;
  gradientNorm: number;
}

export interface Approach3Options {
  /** Huber δ on log residuals (default 1e-3, Hoffmann et al.). */
  delta?: number;
  /** Starting points [a, b, e, α, β]; default the 4,500-point grid of `chinchillaGrid()`. */
  starts?: readonly (readonly number[])[];
  lbfgs?: LbfgsOptions;
}

/** The 4,500-start grid: α, β ∈ {0, .5, 1, 1.5, 2}; e ∈ {−1, −.5, 0, .5, 1}; a, b ∈ {0, 5, …, 25}. */
export function chinchillaGrid(): number[][] {
  const ab = [0, 0.5, 1, 1.5, 2];
  const es = [-1, -0.5, 0, 0.5, 1];
  const ls = [0, 5, 10, 15, 20, 25];
  const out: number[][] = [];
  for (const alpha of ab) for (const beta of ab) for (const e of es) for (const a of ls) for (const b of ls) out.push([a, b, e, alpha, beta]);
  return out;
}

/**
 * The summed-Huber objective Σ ρ_δ(ln L̂ − ln L) over θ = [a, b, e, α, β], with its analytic gradient.
 * ln L̂ = ln(A·N^−α + B·D^−β + E) is evaluated directly (2 exps and 1 log per point) rather than with the
 * max-shifted LSE: the exponents stay far below exp's overflow at 709 for any sane θ, and an overflow gives a
 * non-finite f, which the line search treats as a rejected step.
 */
export function approach3Objective(data: ParametricData, delta = 1e-3): ObjectiveWithGradient {
  const { logN, logD, logL } = data;
  const k = logL.length;
  // Runs share model sizes (Chinchilla: 142 distinct N in 240 runs), so A·N^−α is computed once per size.
  const { values: uN, index: iN } = distinct(logN);
  const { values: uD, index: iD } = distinct(logD);
  const xN = new Float64Array(uN.length), xD = new Float64Array(uD.length);
  return (theta, grad) => {
    const a = theta[0]!, b = theta[1]!, E = Math.exp(theta[2]!), alpha = theta[3]!, beta = theta[4]!;
    for (let j = 0; j < uN.length; j++) xN[j] = Math.exp(a - alpha * uN[j]!);
    for (let j = 0; j < uD.length; j++) xD[j] = Math.exp(b - beta * uD[j]!);
    let f = 0, ga = 0, gb = 0, ge = 0, gal = 0, gbe = 0;
    for (let i = 0; i < k; i++) {
      const x1 = xN[iN[i]!]!, x2 = xD[iD[i]!]!;
      const s = x1 + x2 + E;
      const r = Math.log(s) - logL[i]!;
      const ar = Math.abs(r);
      let p: number;
      if (ar <= delta) { f += 0.5 * r * r; p = r / s; } else { f += delta * (ar - 0.5 * delta); p = (r > 0 ? delta : -delta) / s; }
      const p1 = p * x1, p2 = p * x2;
      ga += p1; gb += p2; ge += p * E;
      gal -= p1 * logN[i]!;
      gbe -= p2 * logD[i]!;
    }
    grad[0] = ga; grad[1] = gb; grad[2] = ge; grad[3] = gal; grad[4] = gbe;
    return f;
  };
}

/** Distinct values of a column and each row's index into them. */
export function distinct(v: Float64Array): { values: Float64Array; index: Int32Array } {
  const map = new Map<number, number>();
  const index = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    let j = map.get(v[i]!);
    if (j === undefined) { j = map.size; map.set(v[i]!, j); }
    index[i] = j;
  }
  return { values: Float64Array.from(map.keys()), index };
}

/** Convert optimiser coordinates [a, b, e, α, β] to the law. */
export function lawFromTheta(theta: ArrayLike<number>): ParametricLaw {
  return { A: Math.exp(theta[0]!), B: Math.exp(theta[1]!), E: Math.exp(theta[2]!), alpha: theta[3]!, beta: theta[4]! };
}

/**
 * Centre ln N and ln D (a' = a − α·mean ln N, b' = b − β·mean ln D): the same minimum, but the (a, α) and
 * (b, β) valleys stop being nearly parallel, so L-BFGS needs far fewer iterations per start.
 */
export function centreParametricData(data: ParametricData): { data: ParametricData; meanLogN: number; meanLogD: number } {
  const mean = (v: Float64Array): number => v.reduce((s, x) => s + x, 0) / v.length;
  const meanLogN = mean(data.logN), meanLogD = mean(data.logD);
  return {
    data: { logN: data.logN.map((v) => v - meanLogN), logD: data.logD.map((v) => v - meanLogD), logL: data.logL },
    meanLogN,
    meanLogD,
  };
}

/** Map θ between raw coordinates and centred ones (direction +1: raw → centred; −1: back). */
export function shiftTheta(theta: ArrayLike<number>, meanLogN: number, meanLogD: number, direction: 1 | -1): number[] {
  const out = Array.from(theta);
  out[0] = theta[0]! - direction * theta[3]! * meanLogN;
  out[1] = theta[1]! - direction * theta[4]! * meanLogD;
  return out;
}

/** Multi-start fit on validated log data; keeps the lowest objective among converged starts. */
export function fitApproach3Data(raw: ParametricData, options: Approach3Options = {}): Approach3Result {
  const { data, meanLogN, meanLogD } = centreParametricData(raw);
  const fg = approach3Objective(data, options.delta ?? 1e-3);
  const starts = options.starts ?? chinchillaGrid();
  // The objective is a sum of ~1e-6 terms (about 1e-3 in all), so stop on ‖∇f‖∞ ≤ 1e-8, never on relative
  // change of f (see lbfgs.ts); 1e-8 pins E, α, β to ~1e-8 relative on the Chinchilla runs.
  const lbfgs = { gradientTolerance: 1e-8, maxIterations: 2000, ...options.lbfgs };
  let best: { x: Float64Array; f: number; it: number; g: number } | undefined;
  let converged = 0;
  for (const s of starts) {
    if (s.length !== 5) throw new Error(`starts: each start is [a, b, e, alpha, beta], got ${s.length} numbers`);
    const r = minimizeLbfgs(fg, shiftTheta(s, meanLogN, meanLogD, 1), lbfgs);
    if (!r.converged || !Number.isFinite(r.f)) continue;
    converged++;
    if (!best || r.f < best.f) best = { x: r.x, f: r.f, it: r.iterations, g: r.gradientNorm };
  }
  if (!best) throw new Error(`Approach 3: none of the ${starts.length} starts converged; check the runs (sizes, tokens and losses must be positive) or raise lbfgs.maxIterations`);
  const theta = shiftTheta(best.x, meanLogN, meanLogD, -1);
  return { ...lawFromTheta(theta), objective: best.f, theta, starts: starts.length, convergedStarts: converged, iterations: best.it, gradientNorm: best.g };
}

/** Fit L(N, D) = E + A/N^α + B/D^β to runs by Huber-loss multi-start L-BFGS (Chinchilla Approach 3). */
export function fitApproach3(points: readonly ParametricPoint[], options: Approach3Options = {}): Approach3Result {
  return fitApproach3Data(toParametricData(points), options);
}
