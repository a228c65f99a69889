// Compute-optimal frontiers from IsoFLOP results (SPEC §5.3 items 3–5): per group, power laws
// x*(C) = A·C^α for x ∈ {P, M, D} and L*(C), from the parabola vertices ("sq") or the best observed runs
// ("raw"), with seeded bootstrap percentile intervals and a prediction band for plots.
import { bootstrap, quantileSorted, type Interval } from './bootstrap.js';
import type { IsoflopBudget, SizeAxis } from './isoflop.js';
import { fitPowerLaw, type PowerLawFit, type PowerLawOptions } from './power-law.js';

export type FrontierQuantity = SizeAxis | 'loss';
export type FrontierSource = 'sq' | 'raw';

export interface FrontierOptions {
  source?: FrontierSource;
  /** Only budgets inside [min, max] FLOPs (SPEC: [5e17, 2e20] for the paper's grid). */
  computeRange?: readonly [number, number];
  powerLaw?: PowerLawOptions;
  /** Bootstrap resamples (default 10,000; 0 disables intervals). */
  resamples?: number;
  seed?: number;
  /** Interval level (default 0.95, the paper's "2σ"). */
  level?: number;
}

export interface FrontierFit {
  group: string;
  quantity: FrontierQuantity;
  source: FrontierSource;
  points: { compute: number; value: number }[];
  law: PowerLawFit;
  /** Bootstrap percentile intervals of A and alpha (and E when fitted); absent with 0 resamples. */
  intervals?: { A: Interval; alpha: Interval; E?: Interval };
  /** Percentile band of the fitted curve on a log grid over the fitted budgets. */
  band?: { compute: number[]; lower: number[]; upper: number[] };
  bootstrapFailures?: number;
}

export interface FrontierIssue {
  group: string;
  quantity: FrontierQuantity;
  message: string;
}

function seriesFor(budgets: readonly IsoflopBudget[], q: FrontierQuantity, source: FrontierSource): { compute: number; value: number }[] {
  const pts: { compute: number; value: number }[] = [];
  for (const b of budgets) {
    if (source === 'raw') {
      if (!b.raw) continue;
      const v = q === 'loss' ? b.raw.loss : b.raw[q];
      if (v !== undefined) pts.push({ compute: b.budget, value: v });
      continue;
    }
    if (!b.ok) continue;
    if (q === 'loss') {
      const p = b.parabolas.tokens ?? b.parabolas.flopsPerToken ?? b.parabolas.params;
      if (p) pts.push({ compute: b.budget, value: p.lossAtOptimum });
    } else {
      const p = b.parabolas[q];
      if (p) pts.push({ compute: b.budget, value: p.optimum });
    }
  }
  return pts;
}

/** Fit the frontier of one quantity for one group's budgets. Throws when fewer than 3 budgets are usable. */
export function fitFrontier(group: string, budgets: readonly IsoflopBudget[], quantity: FrontierQuantity, options: FrontierOptions = {}): FrontierFit {
  const source = options.source ?? 'sq';
  const [cMin, cMax] = options.computeRange ?? [0, Infinity];
  const points = seriesFor(budgets.filter((b) => b.group === group && b.budget >= cMin && b.budget <= cMax), quantity, source);
  if (points.length < 3) throw new Error(`group ${group}, ${quantity}: only ${points.length} usable budget(s) (need 3); see the per-budget issues`);
  const c = points.map((p) => p.compute), y = points.map((p) => p.value);
  const law = fitPowerLaw(c, y, options.powerLaw);
  const fit: FrontierFit = { group, quantity, source, points, law };
  const resamples = options.resamples ?? 10_000;
  if (resamples === 0) return fit;
  const irreducible = options.powerLaw?.irreducible ?? false;
  const estimate: Record<string, number> = { A: law.A, alpha: law.alpha, ...(irreducible ? { E: law.E } : {}) };
  const bs = bootstrap(points.length, estimate, (idx) => {
    const cc = Array.from(idx, (i) => c[i]!), yy = Array.from(idx, (i) => y[i]!);
    if (new Set(cc).size < 2) throw new Error('degenerate resample');
    const r = fitPowerLaw(cc, yy, { ...options.powerLaw, start: { A: law.A, alpha: law.alpha, E: law.E || undefined } });
    return { A: r.A, alpha: r.alpha, E: r.E };
  }, { resamples, seed: options.seed ?? 0, level: options.level ?? 0.95 });
  fit.intervals = { A: bs.intervals.A!, alpha: bs.intervals.alpha!, ...(irreducible ? { E: bs.intervals.E! } : {}) };
  fit.bootstrapFailures = bs.failures;
  // Band: percentile of the predicted value at 24 log-spaced budgets.
  const lo = Math.log(Math.min(...c)), hi = Math.log(Math.max(...c));
  const grid = Array.from({ length: 24 }, (_, i) => Math.exp(lo + ((hi - lo) * i) / 23));
  const As = bs.samples.A!, alphas = bs.samples.alpha!, Es = bs.samples.E;
  const level = options.level ?? 0.95;
  const lower: number[] = [], upper: number[] = [];
  const pred = new Float64Array(As.length);
  for (const g of grid) {
    for (let i = 0; i < As.length; i++) pred[i] = As[i]! * Math.pow(g, alphas[i]!) + (Es ? Es[i]! : 0);
    pred.sort();
    lower.push(quantileSorted(pred, (1 - level) / 2));
    upper.push(quantileSorted(pred, 1 - (1 - level) / 2));
  }
  fit.band = { compute: grid, lower, upper };
  return fit;
}

/** What a plot of frontiers draws: the per-budget optima, each fitted law along its band's (or points') computes, and the bootstrap bands. */
export function frontierPlotData(fits: readonly FrontierFit[]): {
  points: { group: string; compute: number; value: number }[];
  lines: { group: string; compute: number; value: number }[];
  bands: { group: string; compute: number; lower: number; upper: number }[];
} {
  return {
    points: fits.flatMap((f) => f.points.map((p) => ({ group: f.group, compute: p.compute, value: p.value }))),
    lines: fits.flatMap((f) => (f.band?.compute ?? f.points.map((p) => p.compute)).map((c) => ({ group: f.group, compute: c, value: f.law.A * Math.pow(c, f.law.alpha) + f.law.E }))),
    bands: fits.flatMap((f) => (f.band ? f.band.compute.map((c, i) => ({ group: f.group, compute: c, lower: f.band!.lower[i]!, upper: f.band!.upper[i]! })) : [])),
  };
}
