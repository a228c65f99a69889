// IsoFLOP analysis (Hoffmann et al. Approach 2 as used in SPEC §5.3 items 1–3): each run's loss at target
// compute budgets, the best run per (group, size, budget), and per budget the "sq. fit" parabola
// ln L = c2(ln x)² + c1 ln x + c0 for x ∈ {P, M, D} with vertex x* = exp(−c1/(2c2)) and L* = exp(poly(ln x*)),
// plus the "raw" best point. Problems are reported per budget, never turned into a silent fit.
import { lossAtTokens, fitCurveModel, type CurveReadMethod, type CurveModel } from './loss-curve.js';
import { fitQuadratic, evalQuadratic } from './quadratic.js';
import type { ResolvedRun } from './runs.js';

/** The size axes a parabola can be fitted on: parameters P, FLOPs per token M, tokens D. */
export type SizeAxis = 'params' | 'flopsPerToken' | 'tokens';
export const SIZE_AXES: readonly SizeAxis[] = ['params', 'flopsPerToken', 'tokens'];

export interface IsoflopOptions {
  /** Target budgets in FLOPs, or 'auto' (default): clusters of final-run compute, or a grid along the curves. */
  budgets?: readonly number[] | 'auto';
  /** A run without a curve counts for a budget when its compute is within this factor of it (default 1.25). */
  budgetFactor?: number;
  /** How to read a curve at a budget (default 'interpolate'). */
  curveRead?: CurveReadMethod;
  /** Budgets per decade for 'auto' with curves (default 4). */
  budgetsPerDecade?: number;
}

export interface IsoflopPoint {
  runId: string;
  params: number | undefined;
  flopsPerToken: number;
  tokens: number;
  loss: number;
  batchSize: number | undefined;
  learningRate: number | undefined;
  /** The run's loss uncertainty, when known: the estimate's standard error and the replicate spread. */
  lossStandardError?: number;
  lossSpread?: number;
  replicates?: number;
  /** The run this point was read from (points of one trajectory share its noise); the run's id by default. */
  trajectory?: string;
}

export interface IsoflopParabola {
  axis: SizeAxis;
  c0: number;
  c1: number;
  c2: number;
  /** Vertex x* (size at the minimum). */
  optimum: number;
  /** L* = exp(poly(ln x*)). */
  lossAtOptimum: number;
  /** Whether x* lies inside the sampled sizes. */
  inRange: boolean;
}

export interface IsoflopBudget {
  group: string;
  budget: number;
  /** Best run per size at this budget, sorted by size. */
  points: IsoflopPoint[];
  parabolas: Partial<Record<SizeAxis, IsoflopParabola>>;
  /** The best observed point ("raw"). */
  raw: IsoflopPoint | undefined;
  /** True when the parabolas are usable (≥ 3 sizes, opening upward, vertex in range). */
  ok: boolean;
  issues: string[];
}

function autoBudgets(runs: readonly ResolvedRun[], factor: number, perDecade: number): number[] {
  const withCurves = runs.filter((r) => r.curve && r.curve.tokens.length > 1);
  if (withCurves.length > runs.length / 2) {
    const lo = Math.min(...withCurves.map((r) => r.flopsPerToken * r.curve!.tokens[0]!));
    const hi = Math.max(...withCurves.map((r) => r.compute));
    const out: number[] = [];
    for (let k = Math.ceil(Math.log10(lo) * perDecade); k <= Math.floor(Math.log10(hi) * perDecade); k++) out.push(10 ** (k / perDecade));
    return out;
  }
  // Cluster final-run compute (sorted): a run more than `factor` above the cluster's first run starts a new
  // budget, so no cluster spans more than `factor` and chains of close runs cannot merge distinct budgets.
  // Each budget is its cluster's geometric mean.
  const lc = runs.map((r) => Math.log(r.compute)).sort((a, b) => a - b);
  const out: number[] = [];
  let cluster: number[] = [];
  const flush = (): void => { if (cluster.length) out.push(Math.exp(cluster.reduce((s, v) => s + v, 0) / cluster.length)); cluster = []; };
  for (const v of lc) {
    if (cluster.length && v - cluster[0]! > Math.log(factor)) flush();
    cluster.push(v);
  }
  flush();
  return out;
}

function sizeKey(r: ResolvedRun): string {
  return `${r.params ?? ''}|${r.flopsPerToken}`;
}

/** Run the IsoFLOP analysis for every group and budget. */
export function isoflopAnalysis(runs: readonly ResolvedRun[], options: IsoflopOptions = {}): IsoflopBudget[] {
  const factor = options.budgetFactor ?? 1.25;
  if (!(factor > 1)) throw new Error(`budgetFactor must be greater than 1, got ${factor}`);
  const read = options.curveRead ?? 'interpolate';
  const groups = [...new Set(runs.map((r) => r.group))].sort();
  const models = new Map<ResolvedRun, CurveModel | null>();
  const modelOf = (r: ResolvedRun): CurveModel | undefined => {
    if (!models.has(r)) { try { models.set(r, fitCurveModel(r.curve!)); } catch { models.set(r, null); } }
    return models.get(r) ?? undefined;
  };
  const out: IsoflopBudget[] = [];
  for (const group of groups) {
    const gr = runs.filter((r) => r.group === group);
    const budgets = options.budgets === undefined || options.budgets === 'auto' ? autoBudgets(gr, factor, options.budgetsPerDecade ?? 4) : options.budgets;
    for (const budget of budgets) {
      if (!(Number.isFinite(budget) && budget > 0)) throw new Error(`budgets must be finite positive FLOP counts, got ${budget}`);
      const best = new Map<string, IsoflopPoint>();
      for (const r of gr) {
        let loss: number | undefined, tokens: number;
        if (r.curve && r.curve.tokens.length > 1) {
          tokens = budget / r.flopsPerToken;
          if (read === 'curve-model') { const m = modelOf(r); loss = m ? lossAtTokens(r.curve, tokens, 'curve-model', m) : undefined; }
          else loss = lossAtTokens(r.curve, tokens, 'interpolate');
        } else {
          tokens = r.tokens;
          loss = Math.abs(Math.log(r.compute / budget)) <= Math.log(factor) ? r.loss : undefined;
        }
        if (loss === undefined || !(loss > 0)) continue;
        const p: IsoflopPoint = { runId: r.id, params: r.params, flopsPerToken: r.flopsPerToken, tokens, loss, batchSize: r.batchSize, learningRate: r.learningRate, trajectory: r.trajectory };
        // Uncertainties describe the final loss; a loss read off the curve at another budget has none known.
        if (loss === r.loss) {
          if (r.lossStandardError !== undefined) p.lossStandardError = r.lossStandardError;
          if (r.lossSpread !== undefined) p.lossSpread = r.lossSpread;
          if (r.replicates > 1) p.replicates = r.replicates;
        }
        const k = sizeKey(r);
        const cur = best.get(k);
        if (!cur || loss < cur.loss) best.set(k, p);
      }
      const points = [...best.values()].sort((a, b) => a.flopsPerToken - b.flopsPerToken);
      out.push(analyseBudget(group, budget, points));
    }
  }
  return out;
}

/** Fit the per-axis parabolas for one budget's best points and record every problem found. */
export function analyseBudget(group: string, budget: number, points: IsoflopPoint[]): IsoflopBudget {
  const issues: string[] = [];
  const raw = points.reduce<IsoflopPoint | undefined>((b, p) => (!b || p.loss < b.loss ? p : b), undefined);
  const parabolas: Partial<Record<SizeAxis, IsoflopParabola>> = {};
  if (points.length < 3) {
    issues.push(`only ${points.length} model size(s) at this budget; the parabola needs at least 3`);
    return { group, budget, points, parabolas, raw, ok: false, issues };
  }
  for (const axis of SIZE_AXES) {
    const xs = points.map((p) => p[axis]);
    if (xs.some((x) => x === undefined)) continue;
    const lx = xs.map((x) => Math.log(x!));
    const ly = points.map((p) => Math.log(p.loss));
    let q;
    try { q = fitQuadratic(lx, ly); } catch (e) { issues.push(`${axis}: ${(e as Error).message}`); continue; }
    if (!(q.c2 > 0)) {
      issues.push(`${axis}: the parabola opens downward (c2 = ${q.c2.toExponential(3)}), so it has no minimum`);
      continue;
    }
    const lo = Math.min(...lx), hi = Math.max(...lx);
    const inRange = q.vertexX >= lo && q.vertexX <= hi;
    if (!inRange) issues.push(`${axis}: the vertex ${Math.exp(q.vertexX).toExponential(3)} lies outside the sampled sizes [${Math.exp(lo).toExponential(3)}, ${Math.exp(hi).toExponential(3)}]`);
    parabolas[axis] = { axis, c0: q.c0, c1: q.c1, c2: q.c2, optimum: Math.exp(q.vertexX), lossAtOptimum: Math.exp(evalQuadratic(q, q.vertexX)), inRange };
  }
  const fitted = Object.values(parabolas);
  const ok = fitted.length > 0 && fitted.every((p) => p.inRange) && !issues.some((m) => m.includes('opens downward'));
  return { group, budget, points, parabolas, raw, ok, issues };
}

/**
 * A budget's fitted parabola drawn as `n` points over the sampled sizes on `axis` (log-spaced), for plots; empty when
 * the budget has no parabola on that axis or fewer than two sizes.
 */
export function parabolaCurve(b: IsoflopBudget, axis: SizeAxis = 'flopsPerToken', n = 40): { budget: number; x: number; loss: number }[] {
  const q = b.parabolas[axis];
  const xs = b.points.map((p) => p[axis]).filter((x): x is number => x !== undefined);
  if (!q || xs.length < 2) return [];
  const lo = Math.log(Math.min(...xs)), hi = Math.log(Math.max(...xs));
  return Array.from({ length: n }, (_, i) => {
    const lx = lo + ((hi - lo) * i) / (n - 1);
    return { budget: b.budget, x: Math.exp(lx), loss: Math.exp(q.c0 + q.c1 * lx + q.c2 * lx * lx) };
  });
}
