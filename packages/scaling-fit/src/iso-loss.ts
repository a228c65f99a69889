// The iso-loss hyperbola between steps S and batch size B at a fixed target loss (SPEC §5.2, paper Eqs. 7–8):
// ((S/S_min)^α − 1)·((B/B_min)^α − 1) = 1. Minimising D = B·S on it gives B* = 2^{1/α}·B_min,
// S* = 2^{1/α}·S_min, D* = 4^{1/α}·B_min·S_min. Fitted by least squares on ln S with
// S(B) = S_min·(1 + 1/((B/B_min)^α − 1))^{1/α}, B_min kept below the smallest batch and S_min below the fewest steps.
import { minimizeLbfgs } from './lbfgs.js';

export interface IsoLossFit {
  sMin: number;
  bMin: number;
  alpha: number;
  /** Token-optimal batch size 2^{1/α}·B_min. */
  bStar: number;
  sStar: number;
  /** Tokens D* = 4^{1/α}·B_min·S_min. */
  dStar: number;
  /** Root-mean-square residual in ln S. */
  rmsLogResidual: number;
}

/** Steps predicted by the hyperbola at batch size B (B > B_min). */
export function isoLossSteps(fit: Pick<IsoLossFit, 'sMin' | 'bMin' | 'alpha'>, batchSize: number): number {
  const u = Math.expm1(fit.alpha * Math.log(batchSize / fit.bMin)); // (B/B_min)^α − 1 without cancellation near B_min
  return fit.sMin * Math.pow(1 + 1 / u, 1 / fit.alpha);
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Fit the hyperbola to (batch size, steps-to-target) pairs at one target loss. */
export function fitIsoLossHyperbola(batchSizes: readonly number[], steps: readonly number[]): IsoLossFit {
  const n = batchSizes.length;
  if (n !== steps.length) throw new Error(`batchSizes and steps must have the same length, got ${n} and ${steps.length}`);
  if (n < 3) throw new Error(`the iso-loss hyperbola has 3 parameters and needs at least 3 (B, S) pairs, got ${n}`);
  for (let i = 0; i < n; i++) if (!(batchSizes[i]! > 0 && steps[i]! > 0)) throw new Error(`pair ${i}: batch size and steps must be positive, got (${batchSizes[i]}, ${steps[i]})`);
  const minB = Math.min(...batchSizes), minS = Math.min(...steps);
  const ls = steps.map(Math.log);
  const model = (th: ArrayLike<number>): { bMin: number; sMin: number; alpha: number } => ({
    bMin: minB * sigmoid(th[0]!), sMin: minS * sigmoid(th[1]!), alpha: Math.exp(th[2]!),
  });
  // Objective ½Σ(ln Ŝ − ln S)² with a central-difference gradient (3 parameters, a handful of points).
  const value = (th: ArrayLike<number>): number => {
    const m = model(th);
    let f = 0;
    for (let i = 0; i < n; i++) {
      const r = Math.log(isoLossSteps(m, batchSizes[i]!)) - ls[i]!;
      f += 0.5 * r * r;
    }
    return Number.isFinite(f) ? f : Infinity;
  };
  const fg = (th: Float64Array, g: Float64Array): number => {
    const f = value(th);
    const tmp = Float64Array.from(th);
    for (let j = 0; j < 3; j++) {
      const h = 1e-6 * Math.max(1, Math.abs(th[j]!));
      tmp[j] = th[j]! + h; const fp = value(tmp);
      tmp[j] = th[j]! - h; const fm = value(tmp);
      tmp[j] = th[j]!;
      g[j] = (fp - fm) / (2 * h);
    }
    return f;
  };
  let best: { x: Float64Array; f: number } | undefined;
  for (const a0 of [0.1, 0.2, 0.5, 1]) for (const u0 of [-2, 0, 2]) {
    const r = minimizeLbfgs(fg, [u0, u0, Math.log(a0)], { gradientTolerance: 1e-10, maxIterations: 500 });
    if (Number.isFinite(r.f) && (!best || r.f < best.f)) best = { x: r.x, f: r.f };
  }
  if (!best) throw new Error('the iso-loss hyperbola fit failed from every start; check that steps fall as the batch size grows');
  const m = model(best.x);
  const k = Math.pow(2, 1 / m.alpha);
  return { ...m, bStar: k * m.bMin, sStar: k * m.sMin, dStar: k * k * m.bMin * m.sMin, rmsLogResidual: Math.sqrt((2 * best.f) / n) };
}
