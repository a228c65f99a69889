// Limited-memory BFGS with a strong-Wolfe line search (Nocedal & Wright, Algorithms 7.4, 3.5, 3.6), on
// Float64Arrays with no allocation inside the loop. It stops on the gradient norm: a summed Huber objective
// near 1e-3 (Chinchilla Approach 3) makes "relative change of f below tol·max(|f|, 1)" fire at the start
// point, so that rule is off unless asked for (`relativeFunctionTolerance`), and the tests show why.

/** Objective: returns f(x) and writes ∇f(x) into `grad`. */
export type ObjectiveWithGradient = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  /** Stop when ‖∇f‖∞ ≤ this (default 1e-9). */
  gradientTolerance?: number;
  /** Also stop when (f_k − f_{k+1}) ≤ tol·max(|f_k|, |f_{k+1}|, 1) (scipy's factr rule); off by default. */
  relativeFunctionTolerance?: number;
  /** Maximum iterations (default 1000). */
  maxIterations?: number;
  /** History length (default 10). */
  memory?: number;
}

export type LbfgsStopReason = 'gradient' | 'relative-f' | 'max-iterations' | 'line-search' | 'non-finite';

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  gradientNorm: number;
  iterations: number;
  evaluations: number;
  /** True when the gradient-norm criterion (or the requested relative-f rule) was met. */
  converged: boolean;
  reason: LbfgsStopReason;
}

const C1 = 1e-4; // sufficient-decrease constant (Nocedal & Wright §3.1)
const C2 = 0.9; // curvature constant for quasi-Newton directions (Nocedal & Wright §3.1)

function infNorm(g: Float64Array): number {
  let m = 0;
  for (let i = 0; i < g.length; i++) m = Math.max(m, Math.abs(g[i]!));
  return m;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Minimise `fg` from `x0` with L-BFGS. `x0` is not modified. */
export function minimizeLbfgs(fg: ObjectiveWithGradient, x0: ArrayLike<number>, options: LbfgsOptions = {}): LbfgsResult {
  const n = x0.length;
  const gtol = options.gradientTolerance ?? 1e-9;
  const ftol = options.relativeFunctionTolerance;
  const maxIter = options.maxIterations ?? 1000;
  const m = options.memory ?? 10;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  const d = new Float64Array(n);
  const xt = new Float64Array(n);
  const gt = new Float64Array(n);
  const S = Array.from({ length: m }, () => new Float64Array(n));
  const Y = Array.from({ length: m }, () => new Float64Array(n));
  const rho = new Float64Array(m);
  const alphaBuf = new Float64Array(m);
  let stored = 0;
  let head = 0;
  let evals = 1;
  let f = fg(x, g);
  if (!Number.isFinite(f)) return { x, f, gradientNorm: NaN, iterations: 0, evaluations: evals, converged: false, reason: 'non-finite' };
  let gnorm = infNorm(g);
  let iter = 0;
  let reason: LbfgsStopReason = 'max-iterations';

  // Evaluate φ(t) = f(x + t·d) into xt/gt.
  const phi = (t: number): number => {
    for (let i = 0; i < n; i++) xt[i] = x[i]! + t * d[i]!;
    evals++;
    return fg(xt, gt);
  };

  while (true) {
    if (gnorm <= gtol) { reason = 'gradient'; break; }
    if (iter >= maxIter) { reason = 'max-iterations'; break; }
    // Two-loop recursion: d = −H·g.
    for (let i = 0; i < n; i++) d[i] = -g[i]!;
    for (let k = 0; k < stored; k++) {
      const j = (head - 1 - k + m) % m;
      const a = rho[j]! * dot(S[j]!, d);
      alphaBuf[j] = a;
      const y = Y[j]!;
      for (let i = 0; i < n; i++) d[i]! -= a * y[i]!;
    }
    if (stored > 0) {
      const j = (head - 1 + m) % m;
      const gamma = dot(S[j]!, Y[j]!) / dot(Y[j]!, Y[j]!);
      for (let i = 0; i < n; i++) d[i]! *= gamma;
    }
    for (let k = stored - 1; k >= 0; k--) {
      const j = (head - 1 - k + m) % m;
      const b = rho[j]! * dot(Y[j]!, d);
      const s = S[j]!;
      const a = alphaBuf[j]!;
      for (let i = 0; i < n; i++) d[i]! += (a - b) * s[i]!;
    }
    let dphi0 = dot(g, d);
    if (!(dphi0 < 0)) {
      // Not a descent direction (bad curvature pairs): restart from steepest descent.
      stored = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i]!;
      dphi0 = dot(g, d);
    }
    const t0 = stored === 0 ? Math.min(1, 1 / Math.max(gnorm, 1e-300)) : 1;
    const step = strongWolfe(phi, f, dphi0, t0, d, gt);
    if (step === undefined) { reason = 'line-search'; break; }
    // phi() has left xt and gt at the accepted point.
    const fNew = step.f;
    if (!Number.isFinite(fNew)) { reason = 'non-finite'; break; }
    const s = S[head]!;
    const y = Y[head]!;
    for (let i = 0; i < n; i++) {
      s[i] = xt[i]! - x[i]!;
      y[i] = gt[i]! - g[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-300) {
      rho[head] = 1 / sy;
      head = (head + 1) % m;
      stored = Math.min(stored + 1, m);
    }
    const fOld = f;
    x.set(xt);
    g.set(gt);
    f = fNew;
    gnorm = infNorm(g);
    iter++;
    if (ftol !== undefined && (fOld - f) <= ftol * Math.max(Math.abs(fOld), Math.abs(f), 1)) { reason = 'relative-f'; break; }
  }
  const converged = reason === 'gradient' || reason === 'relative-f';
  return { x, f, gradientNorm: gnorm, iterations: iter, evaluations: evals, converged, reason };
}

interface Step { t: number; f: number }

/**
 * Strong-Wolfe line search (Nocedal & Wright Alg. 3.5 with zoom, Alg. 3.6, cubic interpolation).
 * On success returns the step and its f, with xt/gt (captured by `phi`) holding that point.
 */
function strongWolfe(phi: (t: number) => number, f0: number, dphi0: number, t1: number, d: Float64Array, gt: Float64Array): Step | undefined {
  let tPrev = 0;
  let fPrev = f0;
  let dPrev = dphi0;
  let t = t1;
  for (let i = 0; i < 30; i++) {
    const ft = phi(t);
    const dt = dot(gt, d);
    if (!Number.isFinite(ft) || ft > f0 + C1 * t * dphi0 || (i > 0 && ft >= fPrev)) {
      return zoom(phi, f0, dphi0, tPrev, fPrev, dPrev, t, Number.isFinite(ft) ? ft : Infinity, Number.isFinite(dt) ? dt : NaN, d, gt);
    }
    if (Math.abs(dt) <= -C2 * dphi0) return { t, f: ft };
    if (dt >= 0) return zoom(phi, f0, dphi0, t, ft, dt, tPrev, fPrev, dPrev, d, gt);
    tPrev = t; fPrev = ft; dPrev = dt;
    t *= 2;
  }
  return undefined;
}

function zoom(
  phi: (t: number) => number, f0: number, dphi0: number,
  lo: number, flo: number, dlo: number, hi: number, fhi: number, dhi: number,
  d: Float64Array, gt: Float64Array,
): Step | undefined {
  for (let i = 0; i < 40; i++) {
    // Cubic interpolation between lo and hi, safeguarded to the middle 80% of the bracket.
    let t = cubicMin(lo, flo, dlo, hi, fhi, dhi);
    const a = Math.min(lo, hi), b = Math.max(lo, hi), w = b - a;
    if (!Number.isFinite(t) || t < a + 0.1 * w || t > b - 0.1 * w) t = 0.5 * (lo + hi);
    const ft = phi(t);
    const dt = dot(gt, d);
    if (!Number.isFinite(ft) || ft > f0 + C1 * t * dphi0 || ft >= flo) {
      hi = t; fhi = Number.isFinite(ft) ? ft : Infinity; dhi = dt;
    } else {
      if (Math.abs(dt) <= -C2 * dphi0) return { t, f: ft };
      if (dt * (hi - lo) >= 0) { hi = lo; fhi = flo; dhi = dlo; }
      lo = t; flo = ft; dlo = dt;
    }
    if (Math.abs(hi - lo) < 1e-16 * Math.max(1, Math.abs(lo))) break;
  }
  // The bracket collapsed: accept the best point found if it decreased f at all.
  if (flo < f0 && lo > 0) return { t: lo, f: phi(lo) };
  return undefined;
}

function cubicMin(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  if (!Number.isFinite(fb) || !Number.isFinite(db)) return NaN;
  const d1 = da + db - 3 * (fa - fb) / (a - b);
  const disc = d1 * d1 - da * db;
  if (disc < 0) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2);
}
