// Approach 3 by variable projection (Czech et al. 2026, arXiv 2603.22339): L(N, D) = E + A·N^−α + B·D^−β is
// linear in (E, A, B) once the exponents are fixed, so the fit is a 2-D search over (α, β) in which E, A and B
// are solved exactly (weighted least squares on the loss, weights 1/L², i.e. relative residuals) at every
// point. No multi-start, no learning rate: a coarse grid over the exponents, then nested finer grids around the
// best cell. With `tied`, α = β (a 1-D search; the allocation exponents are then 1/2 each). A bootstrap that
// resamples whole trajectories (runs: points read off one run share its noise, so resampling points would
// treat them as independent) gives intervals on the exponents and on α_M = β/(α+β), the exponent of the
// compute-optimal size N*(C) when C = N·D (N in FLOPs per token).
import { resampleStatistic, type Interval } from './bootstrap.js';
import type { FitRng } from './rng.js';

export interface VarProPoint {
  n: number;
  d: number;
  loss: number;
  /** The run the point was read from (bootstrap unit); default: the point itself. */
  trajectory?: string;
  /** Runs (seeds) the point's loss averages; its noise is the run noise over √replicates (default 1). */
  replicates?: number;
}

export interface VarProOptions {
  /** Tie the exponents (α = β). */
  tied?: boolean;
  /** Search range of each exponent (default [0.02, 2]). */
  range?: readonly [number, number];
}

export interface VarProFit {
  E: number;
  A: number;
  B: number;
  alpha: number;
  beta: number;
  /** Allocation exponent of N*: β/(α+β) (1/2 when tied). */
  allocation: number;
  /** rms relative residual of the fit. */
  rmsRelative: number;
  points: number;
  tied: boolean;
}

interface Prepared { ln: Float64Array; ld: Float64Array; y: Float64Array; w: Float64Array; ln0: number; ld0: number }

function prepare(points: readonly VarProPoint[]): Prepared {
  const k = points.length;
  const ln = new Float64Array(k), ld = new Float64Array(k), y = new Float64Array(k), w = new Float64Array(k);
  points.forEach((p, i) => {
    for (const [f, v] of [['n', p.n], ['d', p.d], ['loss', p.loss]] as const) {
      if (!(Number.isFinite(v) && v > 0)) throw new Error(`points[${i}].${f} must be a finite positive number, got ${v}`);
    }
    ln[i] = Math.log(p.n); ld[i] = Math.log(p.d); y[i] = p.loss; w[i] = 1 / (p.loss * p.loss);
  });
  // Centre the logs so N^−α and D^−β stay near 1 whatever the exponents (conditioning of the 3×3 solve).
  const ln0 = ln.reduce((s, v) => s + v, 0) / k, ld0 = ld.reduce((s, v) => s + v, 0) / k;
  for (let i = 0; i < k; i++) { ln[i] = ln[i]! - ln0; ld[i] = ld[i]! - ld0; }
  return { ln, ld, y, w, ln0, ld0 };
}

/** Weighted least squares for (E, A', B') at fixed exponents; null when a coefficient is not positive. */
function project(p: Prepared, alpha: number, beta: number): { rss: number; E: number; A: number; B: number } | null {
  // Normal equations of y ≈ E + A'·x + B'·z, x = e^(−α ln N'), z = e^(−β ln D').
  let s11 = 0, s12 = 0, s13 = 0, s22 = 0, s23 = 0, s33 = 0, t1 = 0, t2 = 0, t3 = 0;
  const k = p.y.length;
  for (let i = 0; i < k; i++) {
    const x = Math.exp(-alpha * p.ln[i]!), z = Math.exp(-beta * p.ld[i]!), w = p.w[i]!, y = p.y[i]!;
    s11 += w; s12 += w * x; s13 += w * z; s22 += w * x * x; s23 += w * x * z; s33 += w * z * z;
    t1 += w * y; t2 += w * x * y; t3 += w * z * y;
  }
  // Solve the symmetric 3×3 system by Cramer's rule.
  const det = s11 * (s22 * s33 - s23 * s23) - s12 * (s12 * s33 - s23 * s13) + s13 * (s12 * s23 - s22 * s13);
  if (!(Math.abs(det) > 1e-300)) return null;
  const E = (t1 * (s22 * s33 - s23 * s23) - s12 * (t2 * s33 - s23 * t3) + s13 * (t2 * s23 - s22 * t3)) / det;
  const A = (s11 * (t2 * s33 - s23 * t3) - t1 * (s12 * s33 - s23 * s13) + s13 * (s12 * t3 - t2 * s13)) / det;
  const B = (s11 * (s22 * t3 - t2 * s23) - s12 * (s12 * t3 - t2 * s13) + t1 * (s12 * s23 - s22 * s13)) / det;
  if (!(E > 0 && A > 0 && B > 0)) return null;
  let rss = 0;
  for (let i = 0; i < k; i++) {
    const r = p.y[i]! - E - A * Math.exp(-alpha * p.ln[i]!) - B * Math.exp(-beta * p.ld[i]!);
    rss += p.w[i]! * r * r;
  }
  return { rss, E, A, B };
}

/** Fit L = E + A·N^−α + B·D^−β by variable projection. Throws when no exponents give positive coefficients. */
export function fitApproach3VarPro(points: readonly VarProPoint[], options: VarProOptions = {}): VarProFit {
  const tied = options.tied ?? false;
  if (points.length < (tied ? 4 : 5)) throw new Error(`Approach 3 (variable projection) needs at least ${tied ? 4 : 5} points, got ${points.length}`);
  const p = prepare(points);
  const [lo, hi] = options.range ?? [0.02, 2];
  let best: { a: number; b: number; rss: number } | undefined;
  const consider = (a: number, b: number): void => {
    if (!(a >= lo && a <= hi && b >= lo && b <= hi)) return;
    const r = project(p, a, b);
    if (r && (!best || r.rss < best.rss)) best = { a, b, rss: r.rss };
  };
  const coarse = 80;
  const step0 = (hi - lo) / coarse;
  for (let i = 0; i <= coarse; i++) {
    const a = lo + i * step0;
    if (tied) consider(a, a);
    else for (let j = 0; j <= coarse; j++) consider(a, lo + j * step0);
  }
  if (!best) throw new Error('Approach 3 (variable projection): no exponents in the search range give positive E, A and B; the points do not follow the law');
  // Nested grids: 11 × 11 around the best point, the step shrinking by 5 each round, to 1e-7.
  for (let step = step0 / 5; step > 1e-7; step /= 5) {
    const { a: a0, b: b0 } = best;
    for (let i = -5; i <= 5; i++) {
      if (tied) consider(a0 + i * step, a0 + i * step);
      else for (let j = -5; j <= 5; j++) consider(a0 + i * step, b0 + j * step);
    }
  }
  const { a: alpha, b: beta } = best;
  const c = project(p, alpha, beta)!;
  return {
    E: c.E, A: c.A * Math.exp(alpha * p.ln0), B: c.B * Math.exp(beta * p.ld0), alpha, beta,
    allocation: beta / (alpha + beta), rmsRelative: Math.sqrt(c.rss / points.length), points: points.length, tied,
  };
}

export interface VarProBootstrap {
  fit: VarProFit;
  /** Percentile intervals over resamples of trajectories. */
  intervals: { alpha: Interval; beta: Interval; allocation: Interval; E: Interval };
  trajectories: number;
  resamples: number;
  failures: number;
}

type VarProBootstrapOptions = VarProOptions & { resamples?: number; seed?: number; level?: number };

/** Each point's trajectory as an index (in order of first appearance; a point without one is its own), and how many. */
function trajectoryIndex(points: readonly VarProPoint[]): { of: number[]; count: number } {
  const index = new Map<string, number>();
  const of = points.map((pt, i) => {
    const t = pt.trajectory ?? `#${i}`;
    if (!index.has(t)) index.set(t, index.size);
    return index.get(t)!;
  });
  return { of, count: index.size };
}

const exponentsOf = (f: VarProFit): Record<'alpha' | 'beta' | 'allocation' | 'E', number> => ({ alpha: f.alpha, beta: f.beta, allocation: f.allocation, E: f.E });

/** The fit, and percentile intervals of its exponents over refits of the samples `draw` makes (the bootstraps below). */
function bootstrapVarPro(points: readonly VarProPoint[], options: VarProBootstrapOptions, trajectories: number, draw: (rng: FitRng) => VarProPoint[]): VarProBootstrap {
  const fit = fitApproach3VarPro(points, options);
  const resamples = options.resamples ?? 1000;
  const bs = resampleStatistic(exponentsOf(fit), (rng) => exponentsOf(fitApproach3VarPro(draw(rng), options)), { resamples, seed: options.seed ?? 0, level: options.level ?? 0.95 });
  return { fit, intervals: bs.intervals as VarProBootstrap['intervals'], trajectories, resamples, failures: bs.failures };
}

/** The fit plus a bootstrap over trajectories (whole runs resampled with replacement). */
export function bootstrapApproach3VarPro(points: readonly VarProPoint[], options: VarProBootstrapOptions = {}): VarProBootstrap {
  const { of, count } = trajectoryIndex(points);
  const groups: VarProPoint[][] = Array.from({ length: count }, () => []);
  points.forEach((pt, i) => groups[of[i]!]!.push(pt));
  return bootstrapVarPro(points, options, count, (rng) => {
    const sample: VarProPoint[] = [];
    for (let i = 0; i < groups.length; i++) sample.push(...groups[rng.int(groups.length)]!);
    return sample;
  });
}

/**
 * The fit plus a parametric bootstrap over the runs' own noise, the joint fit's counterpart of the IsoFLOP run-noise
 * intervals (run-noise.ts): each resample redraws every point's loss as loss·(1 + spread·z), where z shares the part
 * `persistence` of its variance with the other points of its trajectory (one draw per run) and draws the rest per
 * point; the design stays as it is. `spread` is the relative run-to-run sd of one point (the study measures it from
 * replicates and the runs' scatter).
 */
export function runNoiseApproach3VarPro(points: readonly VarProPoint[], noise: { spread: number; persistence: number }, options: VarProBootstrapOptions = {}): VarProBootstrap {
  if (!(noise.spread >= 0) || !(noise.persistence >= 0 && noise.persistence <= 1)) throw new Error(`run noise must have spread ≥ 0 and persistence in [0, 1], got ${JSON.stringify(noise)}`);
  const { of, count } = trajectoryIndex(points);
  const wShared = noise.spread * Math.sqrt(noise.persistence), wOwn = noise.spread * Math.sqrt(1 - noise.persistence);
  return bootstrapVarPro(points, options, count, (rng) => {
    const z = Array.from({ length: count }, () => rng.normal());
    return points.map((pt, i) => ({ ...pt, loss: pt.loss * (1 + (wShared * z[of[i]!]! + wOwn * rng.normal()) / Math.sqrt(Math.max(1, pt.replicates ?? 1))) }));
  });
}
