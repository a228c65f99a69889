// Seeded nonparametric bootstrap with percentile intervals (SPEC §5.3 item 4: 10,000 resamples of the
// points with replacement, each refitted from the point estimate; 95% percentile intervals).
import { createFitRng, type FitRng } from './rng.js';

export interface BootstrapOptions {
  /** Number of resamples (default 10,000). */
  resamples?: number;
  /** Seed of the resampling PRNG (default 0). */
  seed?: number;
  /** Central interval level (default 0.95). */
  level?: number;
}

export interface Interval {
  estimate: number;
  lower: number;
  upper: number;
  level: number;
}

export interface BootstrapResult {
  /** Per statistic name: point estimate with the percentile interval. */
  intervals: Record<string, Interval>;
  /** Per statistic name: the resampled values (failed refits omitted). */
  samples: Record<string, Float64Array>;
  resamples: number;
  failures: number;
}

/** The q-quantile of sorted values by linear interpolation (numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos), hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Bootstrap `statistic` over resamples of indices 0..n−1. `statistic(indices)` returns named numbers or
 * throws (a failed refit, counted in `failures`). `estimate` holds the statistics on the full data.
 */
export function bootstrap(
  n: number,
  estimate: Record<string, number>,
  statistic: (indices: Int32Array) => Record<string, number>,
  options: BootstrapOptions = {},
): BootstrapResult {
  const idx = new Int32Array(n);
  return resampleStatistic(estimate, (rng) => {
    for (let i = 0; i < n; i++) idx[i] = rng.int(n);
    return statistic(idx);
  }, options);
}

/**
 * The resampling loop under every bootstrap here: `draw(rng)` makes one resample from the seeded PRNG (indices,
 * or noise for a parametric bootstrap) and returns its statistics, or throws; a throw or a non-finite value is a
 * failure. Percentile intervals around `estimate`, which names the statistics.
 */
export function resampleStatistic(
  estimate: Record<string, number>,
  draw: (rng: FitRng) => Record<string, number>,
  options: BootstrapOptions = {},
): BootstrapResult {
  const resamples = options.resamples ?? 10_000;
  const level = options.level ?? 0.95;
  if (!(Number.isInteger(resamples) && resamples > 0)) throw new Error(`resamples must be a positive integer, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new Error(`level must lie in (0, 1), got ${level}`);
  const rng = createFitRng(options.seed ?? 0);
  const keys = Object.keys(estimate);
  const buf: Record<string, Float64Array> = Object.fromEntries(keys.map((k) => [k, new Float64Array(resamples)]));
  let ok = 0, failures = 0;
  for (let r = 0; r < resamples; r++) {
    let s: Record<string, number>;
    try { s = draw(rng); } catch { failures++; continue; }
    if (keys.some((k) => !Number.isFinite(s[k]))) { failures++; continue; }
    for (const k of keys) buf[k]![ok] = s[k]!;
    ok++;
  }
  const samples: Record<string, Float64Array> = {};
  const intervals: Record<string, Interval> = {};
  for (const k of keys) {
    const v = buf[k]!.slice(0, ok);
    samples[k] = v;
    const sorted = v.slice().sort();
    intervals[k] = { estimate: estimate[k]!, lower: quantileSorted(sorted, (1 - level) / 2), upper: quantileSorted(sorted, 1 - (1 - level) / 2), level };
  }
  return { intervals, samples, resamples, failures };
}
