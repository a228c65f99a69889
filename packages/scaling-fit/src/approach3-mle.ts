// Epoch AI's maximum-likelihood variant of Approach 3 (Besiroglu et al. 2024, "Chinchilla Scaling: A
// replication attempt"): ln L = ln L̂(N, D) + ε with ε drawn from a Huber-shaped density with a free scale,
// p(ε) = exp(−ρ_δ(ε/σ)) / (σ·Z(δ)), Z(δ) = √(2π)(1 − 2Φc(δ)) + 2e^{−δ²/2}/δ, δ = 1e-3. Parameters
// θ = [a, b, e, α, β, ln σ]; the negative log-likelihood is minimised by L-BFGS with analytic gradients.
import { fitApproach3Data, lawFromTheta, centreParametricData, shiftTheta, type ParametricLaw } from './approach3.js';
import { minimizeLbfgs, type LbfgsOptions, type ObjectiveWithGradient } from './lbfgs.js';
import { normalSf } from './normal.js';
import { toParametricData, type ParametricData, type ParametricPoint } from './parametric-data.js';

export interface Approach3MleResult extends ParametricLaw {
  /** Fitted scale σ of the residual density (log-loss units). */
  sigma: number;
  /** Negative log-likelihood at the optimum (with the normaliser). */
  negLogLikelihood: number;
  theta: number[];
  starts: number;
  convergedStarts: number;
}

export interface Approach3MleOptions {
  delta?: number;
  /** Starting points [a, b, e, α, β]; default Hoffmann et al.'s estimate and the sum-Huber optimum. */
  starts?: readonly (readonly number[])[];
  lbfgs?: LbfgsOptions;
}

/** Hoffmann et al.'s published estimate in [a, b, e, α, β] (Epoch's start point for the ML fit). */
export const HOFFMANN_THETA: readonly number[] = [6.0073404, 6.0179186, 0.5267228, 0.33917084, 0.2849083];

/** ln Z(δ), the normaliser of the Huber-shaped density. */
export function huberLogNormaliser(delta: number): number {
  return Math.log(Math.sqrt(2 * Math.PI) * (1 - 2 * normalSf(delta)) + 2 * Math.exp(-0.5 * delta * delta) / delta);
}

/** Negative log-likelihood over θ = [a, b, e, α, β, ln σ] with analytic gradient. */
export function approach3MleObjective(data: ParametricData, delta = 1e-3): ObjectiveWithGradient {
  const { logN, logD, logL } = data;
  const k = logL.length;
  const logZ = huberLogNormaliser(delta);
  return (theta, grad) => {
    const a = theta[0]!, b = theta[1]!, E = Math.exp(theta[2]!), alpha = theta[3]!, beta = theta[4]!, logSigma = theta[5]!;
    const inv = Math.exp(-logSigma);
    let f = k * (logSigma + logZ), ga = 0, gb = 0, ge = 0, gal = 0, gbe = 0, gs = k;
    for (let i = 0; i < k; i++) {
      const ln = logN[i]!, ld = logD[i]!;
      const x1 = Math.exp(a - alpha * ln), x2 = Math.exp(b - beta * ld);
      const s = x1 + x2 + E;
      const x = (logL[i]! - Math.log(s)) * inv; // standardised residual
      const ax = Math.abs(x);
      let dx: number; // dρ/dx
      if (ax <= delta) { f += 0.5 * x * x; dx = x; } else { f += delta * (ax - 0.5 * delta); dx = x > 0 ? delta : -delta; }
      gs -= dx * x;
      const p = -dx * inv / s; // dρ/d(ln L̂) divided by s
      const p1 = p * x1, p2 = p * x2;
      ga += p1; gb += p2; ge += p * E;
      gal -= p1 * ln;
      gbe -= p2 * ld;
    }
    grad[0] = ga; grad[1] = gb; grad[2] = ge; grad[3] = gal; grad[4] = gbe; grad[5] = gs;
    return f;
  };
}

/** Fit Approach 3 by maximum likelihood under the Huber-shaped residual density (Epoch's headline fit). */
export function fitApproach3Mle(points: readonly ParametricPoint[], options: Approach3MleOptions = {}): Approach3MleResult {
  const delta = options.delta ?? 1e-3;
  const raw = toParametricData(points);
  const { data, meanLogN, meanLogD } = centreParametricData(raw);
  const fg = approach3MleObjective(data, delta);
  const starts = options.starts ?? [HOFFMANN_THETA, fitApproach3Data(raw, { starts: [HOFFMANN_THETA], delta }).theta];
  const lbfgs = { gradientTolerance: 1e-8, maxIterations: 5000, ...options.lbfgs };
  let best: { x: Float64Array; f: number } | undefined;
  let converged = 0;
  for (const s0 of starts) {
    if (s0.length !== 5) throw new Error(`starts: each start is [a, b, e, alpha, beta], got ${s0.length} numbers`);
    const s = shiftTheta(s0, meanLogN, meanLogD, 1);
    // Start σ at its optimum for fixed θ in the Laplace limit: σ = δ·mean|r| (the density is linear beyond δσ).
    let meanAbs = 0;
    for (let i = 0; i < data.logL.length; i++) {
      const pred = Math.log(Math.exp(s[0]! - s[3]! * data.logN[i]!) + Math.exp(s[1]! - s[4]! * data.logD[i]!) + Math.exp(s[2]!));
      meanAbs += Math.abs(data.logL[i]! - pred) / data.logL.length;
    }
    const r = minimizeLbfgs(fg, [...s, Math.log(Math.max(delta * meanAbs, 1e-300))], lbfgs);
    // The likelihood is nearly a least-absolute-deviation fit (kinks of width δσ), so L-BFGS ends on a
    // line-search stall at the optimum more often than on the gradient test; any finite stall counts.
    if (!Number.isFinite(r.f) || r.reason === 'non-finite' || r.reason === 'max-iterations') continue;
    converged++;
    if (!best || r.f < best.f) best = { x: r.x, f: r.f };
  }
  if (!best) throw new Error(`Approach 3 (maximum likelihood): no start converged; check the runs or raise lbfgs.maxIterations`);
  const theta = [...shiftTheta(Array.from(best.x).slice(0, 5), meanLogN, meanLogD, -1), best.x[5]!];
  return { ...lawFromTheta(theta), sigma: Math.exp(theta[5]!), negLogLikelihood: best.f, theta, starts: starts.length, convergedStarts: converged };
}
