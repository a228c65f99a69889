// Exponent intervals that carry the runs' own noise (a parametric bootstrap over runs). The paper's intervals
// (SPEC §5.3 item 4) resample the vertices of the IsoFLOP parabolas, one point per budget: with 4–5 budgets
// a resample holds 2–3 distinct budgets, and the interval reflects how the few vertices scatter, not how well
// each is known from the runs behind it (on synthetic quick-like studies with 0.4% noise it was 1.6x wider
// than needed for the same coverage: half-width 0.060 vs 0.037, 93% vs 98% coverage). Here every resample redraws each run's loss from its measured noise (the
// run-to-run spread of replicated grid points, relative to the loss, pooled per group), refits every usable
// budget's parabolas and then the power laws. A resample in which a parabola opens downward is a failure and
// is counted: a study whose vertices are not resolved by its own noise shows it as failures, not as a
// narrow interval. Three replicates pin a spread down only to within a factor of about two, so the noise
// used is the larger of the replicates' spread and the scatter of the runs about their own parabolas (the
// residual sd, 2 degrees of freedom per 5-size budget), which also holds any misfit of the parabola. Lack of
// fit of the law is reported beside it: the scatter of the vertices about the fitted law against the scatter
// the noise predicts.
import { quantileSorted, resampleStatistic, type Interval } from './bootstrap.js';
import type { FrontierQuantity } from './frontier.js';
import type { IsoflopBudget, SizeAxis } from './isoflop.js';
import { fitPowerLaw } from './power-law.js';
import { evalQuadratic, fitQuadratic } from './quadratic.js';

export interface RunNoiseOptions {
  /** Resamples (default 2,000). */
  resamples?: number;
  seed?: number;
  /** Interval level (default 0.95). */
  level?: number;
  /**
   * Relative run-to-run sd of a single run per group (e.g. 0.004 = 0.4%). Default: pooled from the group's
   * replicated points (√ of the mean squared relative spread) or the parabolas' residual sd, whichever is
   * larger; with neither (3-size budgets, no replicates) each point's evaluation standard error, which leaves
   * training noise out (the result says so).
   */
  relativeSpread?: Readonly<Record<string, number>>;
  /**
   * Per group, the share (0–1) of a run's noise variance that persists along the run: points read off one run at
   * several budgets (one trajectory, `ScalingRun.trajectory`) share that part of their noise, drawn once per
   * trajectory in each resample; the rest is drawn per point. Default 0: every point's noise is its own (right
   * for one run per point, where each point is its own trajectory anyway).
   */
  persistence?: Readonly<Record<string, number>>;
}

export interface RunNoiseResult {
  group: string;
  /** Where the per-run noise came from. */
  noise: {
    source: 'replicates' | 'residuals' | 'standard-error' | 'given';
    /** Share of the noise variance drawn once per trajectory (0 = independent per point). */
    persistence: number;
    /** Distinct trajectories (runs) behind the usable budgets' points. */
    trajectories: number;
    relativeSpread: number | undefined;
    replicatedPoints: number;
    /** The replicates' pooled relative spread and the parabolas' residual sd (log units), when known. */
    replicateSpread: number | undefined;
    residualSpread: number | undefined;
  };
  /** Budgets refitted in each resample (the usable ones). */
  budgets: number;
  resamples: number;
  /** Resamples in which a parabola had no minimum or a law could not be fitted (they carry no estimate). */
  failures: number;
  intervals: Partial<Record<FrontierQuantity, Interval>>;
  /**
   * rms residual (log space) of the M* vertices about their fitted law, and the rms the run noise predicts
   * (the bootstrap's robust sd of the vertices, 1.4826·MAD): a ratio well above 1 means the law misses more than the noise explains.
   */
  lackOfFit?: { observedRms: number; predictedRms: number };
}

/** The pooled relative spread of a group's replicated points (each counted once), or undefined without replicates. */
export function pooledRelativeSpread(budgets: readonly IsoflopBudget[]): { spread: number | undefined; points: number } {
  const rel = new Map<string, number>();
  for (const b of budgets) for (const p of b.points) if (p.lossSpread !== undefined && (p.replicates ?? 0) > 1) rel.set(p.runId, p.lossSpread / p.loss);
  if (rel.size === 0) return { spread: undefined, points: 0 };
  return { spread: Math.sqrt([...rel.values()].reduce((s, v) => s + v * v, 0) / rel.size), points: rel.size };
}

/** The sd of the runs' log losses about their budgets' parabolas on the M axis (undefined without residual dof). */
export function parabolaResidualSpread(budgets: readonly IsoflopBudget[]): number | undefined {
  let ss = 0, dof = 0;
  for (const b of budgets) {
    const q = b.parabolas.flopsPerToken;
    if (!q || b.points.length <= 3) continue;
    for (const p of b.points) ss += (Math.log(p.loss) - evalQuadratic(q, Math.log(p.flopsPerToken))) ** 2;
    dof += b.points.length - 3;
  }
  return dof > 0 ? Math.sqrt(ss / dof) : undefined;
}

/**
 * Parametric bootstrap of one group's frontier exponents over its runs' noise. Uses the budgets that are
 * usable in the point estimate (b.ok); throws when fewer than 3 are.
 */
export function runNoiseIntervals(group: string, allBudgets: readonly IsoflopBudget[], options: RunNoiseOptions = {}): RunNoiseResult {
  const budgets = allBudgets.filter((b) => b.group === group && b.ok);
  if (budgets.length < 3) throw new Error(`group ${group}: only ${budgets.length} usable budget(s) (need 3) for run-noise intervals`);
  const resamples = options.resamples ?? 2000;
  const level = options.level ?? 0.95;
  if (!(Number.isInteger(resamples) && resamples > 0)) throw new Error(`resamples must be a positive integer, got ${resamples}`);
  const given = options.relativeSpread?.[group];
  const pooled = pooledRelativeSpread(allBudgets.filter((b) => b.group === group));
  const residual = parabolaResidualSpread(budgets);
  let source: RunNoiseResult['noise']['source'], relSpread: number | undefined;
  if (given !== undefined) { source = 'given'; relSpread = given; }
  else if (pooled.spread !== undefined || residual !== undefined) {
    const rep = pooled.spread ?? 0, res = residual ?? 0;
    source = rep >= res ? 'replicates' : 'residuals';
    relSpread = Math.max(rep, res);
  } else { source = 'standard-error'; relSpread = undefined; }
  // Per point: relative sd of its loss (a replicated point averages its runs).
  const sd = budgets.map((b) => b.points.map((p) => {
    if (relSpread !== undefined) return relSpread / Math.sqrt(Math.max(1, p.replicates ?? 1));
    return p.lossStandardError !== undefined ? p.lossStandardError / p.loss : 0;
  }));
  const axes = (['flopsPerToken', 'params', 'tokens'] as const).filter((q) => budgets.every((b) => b.parabolas[q] && b.points.every((p) => p[q] !== undefined)));
  const lossAxis: SizeAxis | undefined = budgets.every((b) => b.parabolas.tokens) ? 'tokens' : budgets.every((b) => b.parabolas.flopsPerToken) ? 'flopsPerToken' : undefined;
  const c = budgets.map((b) => b.budget);
  // The statistics of one set of losses: each exponent, plus the log M* vertex of every budget (for lack of fit).
  const statistics = (logLoss: (i: number, j: number) => number): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const axis of new Set<SizeAxis>([...axes, ...(lossAxis ? [lossAxis] : [])])) {
      const vertices: number[] = [], lossStar: number[] = [];
      budgets.forEach((b, i) => {
        const q = fitQuadratic(b.points.map((p) => Math.log(p[axis]!)), b.points.map((_, j) => logLoss(i, j)));
        if (!(q.c2 > 0)) throw new Error('a parabola has no minimum');
        vertices.push(Math.exp(q.vertexX));
        lossStar.push(Math.exp(evalQuadratic(q, q.vertexX)));
        if (axis === 'flopsPerToken') out[`vertex${i}`] = q.vertexX;
      });
      // A vertex thrown far outside the sampled sizes can make a law unfittable: fitPowerLaw throws, a failure.
      if ((axes as readonly SizeAxis[]).includes(axis)) out[axis] = fitPowerLaw(c, vertices).alpha;
      if (axis === lossAxis) out.loss = fitPowerLaw(c, lossStar).alpha;
    }
    return out;
  };
  const estimate = statistics((i, j) => Math.log(budgets[i]!.points[j]!.loss));
  const persistence = options.persistence?.[group] ?? 0;
  if (!(persistence >= 0 && persistence <= 1)) throw new Error(`persistence of group ${group} must lie in [0, 1], got ${persistence}`);
  const trajectoryOf = budgets.map((b) => b.points.map((p) => p.trajectory ?? p.runId));
  const trajectories = [...new Set(trajectoryOf.flat())];
  const wShared = Math.sqrt(persistence), wOwn = Math.sqrt(1 - persistence);
  const bs = resampleStatistic(estimate, (rng) => {
    const shared = new Map<string, number>();
    if (persistence > 0) for (const t of trajectories) shared.set(t, rng.normal());
    const logLoss = budgets.map((b, i) => b.points.map((p, j) => {
      const z = wShared * (shared.get(trajectoryOf[i]![j]!) ?? 0) + wOwn * rng.normal();
      return Math.log(p.loss * (1 + sd[i]![j]! * z));
    }));
    return statistics((i, j) => logLoss[i]![j]!);
  }, { resamples, seed: options.seed ?? 0, level });
  const ok = resamples - bs.failures;
  const intervals: Partial<Record<FrontierQuantity, Interval>> = {};
  if (ok > 0) for (const q of [...axes, 'loss'] as const) if (bs.intervals[q]) intervals[q] = bs.intervals[q];
  const result: RunNoiseResult = {
    group, noise: { source, relativeSpread: relSpread, replicatedPoints: pooled.points, replicateSpread: pooled.spread, residualSpread: residual, persistence, trajectories: trajectories.length }, budgets: budgets.length, resamples, failures: bs.failures, intervals,
  };
  if (ok > 1 && axes.includes('flopsPerToken')) {
    const lv = budgets.map((_, i) => estimate[`vertex${i}`]!);
    const law = fitPowerLaw(c, lv.map(Math.exp));
    const observed = Math.sqrt(lv.reduce((s, v, i) => s + (v - Math.log(law.A * Math.pow(c[i]!, law.alpha))) ** 2, 0) / Math.max(1, lv.length - 2));
    // Robust scale (1.4826·MAD) of each vertex over the resamples: a few resamples with a vertex thrown far out
    // would otherwise dominate the prediction.
    const variances = budgets.map((_, i) => {
      const xs = bs.samples[`vertex${i}`]!.slice().sort();
      const med = quantileSorted(xs, 0.5);
      const dev = Float64Array.from(xs, (v) => Math.abs(v - med)).sort();
      return (1.4826 * quantileSorted(dev, 0.5)) ** 2;
    });
    result.lackOfFit = { observedRms: observed, predictedRms: Math.sqrt(variances.reduce((s, v) => s + v, 0) / variances.length) };
  }
  return result;
}
