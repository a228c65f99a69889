// Vega-Lite specifications for the report's figures: IsoFLOP curves with their parabolas, compute-optimal
// frontiers per group with bootstrap bands, and the hyperparameter fits. Pure data → spec, no rendering.
import { frontierPlotData, type FrontierFit, type FrontierQuantity } from '../frontier.js';
import type { HyperparameterLaw } from '../hyperparameter-laws.js';
import type { TokenFrontier } from '../fit-study.js';
import { parabolaCurve, type IsoflopBudget, type SizeAxis } from '../isoflop.js';

/** A Vega-Lite top-level spec (kept structural so this module needs no vega-lite types). */
export type VegaLiteSpec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const AXIS_TITLE: Record<SizeAxis | 'loss', string> = { params: 'parameters P', flopsPerToken: 'FLOPs per token M', tokens: 'tokens D', loss: 'loss L*' };
const log = { type: 'log', nice: false } as const;
const sci = { format: '.1e' } as const;

/** A log-scale domain holding every value, with a small margin, so no mark falls outside the axes. */
function domainOf(values: readonly number[], margin = 0.01): [number, number] | undefined {
  const v = values.filter((x) => Number.isFinite(x) && x > 0);
  if (v.length === 0) return undefined;
  const lo = Math.min(...v), hi = Math.max(...v);
  return [lo / (1 + margin), hi * (1 + margin)];
}

/**
 * Loss against size at every budget of one group: observed points with error bars (the larger of the estimate's
 * standard error and the replicate spread), the fitted parabolas (lines) and their vertices (diamonds).
 */
export function isoflopSpec(group: string, budgets: readonly IsoflopBudget[], axis: SizeAxis = 'flopsPerToken'): VegaLiteSpec {
  const points = budgets.flatMap((b) => b.points.filter((p) => p[axis] !== undefined).map((p) => {
    const err = Math.max(p.lossStandardError ?? 0, p.lossSpread ?? 0);
    return { budget: b.budget, x: p[axis]!, loss: p.loss, lo: p.loss - err, hi: p.loss + err, se: p.lossStandardError ?? null, spread: p.lossSpread ?? null, run: p.runId };
  }));
  const curves = budgets.flatMap((b) => parabolaCurve(b, axis));
  // Vertices only of usable budgets: an unusable parabola's vertex can lie decades outside the sampled sizes, and
  // plotting it would squeeze every measured point into a corner.
  const optima = budgets.flatMap((b) => (b.ok && b.parabolas[axis] ? [{ budget: b.budget, x: b.parabolas[axis]!.optimum, loss: b.parabolas[axis]!.lossAtOptimum }] : []));
  const xDomain = domainOf([...points.map((p) => p.x), ...optima.map((o) => o.x)], 0.05);
  const yDomain = domainOf([...points.flatMap((p) => [p.lo, p.hi]), ...curves.map((c) => c.loss), ...optima.map((o) => o.loss)]);
  const x = { field: 'x', type: 'quantitative', scale: { ...log, ...(xDomain ? { domain: xDomain } : {}) }, axis: sci, title: AXIS_TITLE[axis] };
  const y = { field: 'loss', type: 'quantitative', scale: { ...log, zero: false, ...(yDomain ? { domain: yDomain } : {}) }, axis: { format: '.3~g' }, title: 'loss (nats/token)' };
  const color = { field: 'budget', type: 'ordinal', title: 'budget (FLOPs)', legend: sci };
  return {
    $schema: SCHEMA, title: `IsoFLOP curves — ${group}`, width: 480, height: 320,
    layer: [
      { data: { values: curves }, mark: { type: 'line', clip: true }, encoding: { x, y, color } },
      { data: { values: points }, mark: { type: 'rule' }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color } },
      { data: { values: points }, mark: { type: 'point', filled: true }, encoding: { x, y, color, tooltip: [{ field: 'run' }, { field: 'loss', format: '.4f' }, { field: 'se', format: '.4f' }, { field: 'spread', format: '.4f' }] } },
      { data: { values: optima }, mark: { type: 'point', shape: 'diamond', size: 90, filled: true }, encoding: { x, y, color: { value: 'black' } } },
    ],
  };
}

/** The token-bound frontiers L*(D*) of every group in one plot (points and fitted power laws). */
export function tokenFrontierSpec(frontiers: readonly TokenFrontier[]): VegaLiteSpec {
  const points = frontiers.flatMap((f) => f.points.map((p) => ({ group: f.group, tokens: p.tokens, loss: p.loss })));
  const lines = frontiers.flatMap((f) => {
    if (!f.law || f.points.length < 2) return [];
    const ts = f.points.map((p) => p.tokens);
    const lo = Math.log(Math.min(...ts)), hi = Math.log(Math.max(...ts));
    return Array.from({ length: 20 }, (_, i) => { const t = Math.exp(lo + ((hi - lo) * i) / 19); return { group: f.group, tokens: t, loss: f.law!.A * Math.pow(t, f.law!.alpha) + f.law!.E }; });
  });
  const yDomain = domainOf([...points.map((p) => p.loss), ...lines.map((l) => l.loss)]);
  const xDomain = domainOf(points.map((p) => p.tokens), 0.05);
  const x = { field: 'tokens', type: 'quantitative', scale: { ...log, ...(xDomain ? { domain: xDomain } : {}) }, axis: sci, title: 'optimal tokens D*' };
  const y = { field: 'loss', type: 'quantitative', scale: { ...log, zero: false, ...(yDomain ? { domain: yDomain } : {}) }, axis: { format: '.3~g' }, title: 'optimal loss L*' };
  const color = { field: 'group', type: 'nominal', title: 'noise' };
  return {
    $schema: SCHEMA, title: 'Token-bound frontier L*(D*)', width: 480, height: 320,
    layer: [{ data: { values: lines }, mark: 'line', encoding: { x, y, color } }, { data: { values: points }, mark: { type: 'point', filled: true }, encoding: { x, y, color } }],
  };
}

/** One quantity's frontier for every group: points, fitted law, and the bootstrap band. */
export function frontierSpec(quantity: FrontierQuantity, frontiers: readonly FrontierFit[]): VegaLiteSpec {
  const { points, lines, bands } = frontierPlotData(frontiers.filter((f) => f.quantity === quantity));
  const x = { field: 'compute', type: 'quantitative', scale: log, axis: sci, title: 'compute C (FLOPs)' };
  const color = { field: 'group', type: 'nominal' };
  // Losses span a few percent: three significant digits, not one, or neighbouring ticks read the same.
  const yAxis = quantity === 'loss' ? { format: '.3~g' } : sci;
  return {
    $schema: SCHEMA, title: `Compute-optimal ${AXIS_TITLE[quantity]}`, width: 480, height: 320,
    layer: [
      { data: { values: bands }, mark: { type: 'area', opacity: 0.2 }, encoding: { x, y: { field: 'lower', type: 'quantitative', scale: log, axis: yAxis, title: AXIS_TITLE[quantity] }, y2: { field: 'upper' }, color } },
      { data: { values: lines }, mark: 'line', encoding: { x, y: { field: 'value', type: 'quantitative', scale: log }, color } },
      { data: { values: points }, mark: { type: 'point', filled: true }, encoding: { x, y: { field: 'value', type: 'quantitative', scale: log }, color } },
    ],
  };
}

/** A hyperparameter law: vertices and the OLS line, per group. `kind` picks B*(D) or η*(B). */
export function hyperparameterSpec(kind: 'batchSize' | 'learningRate', laws: readonly HyperparameterLaw[]): VegaLiteSpec {
  const xOf = (v: HyperparameterLaw['vertices'][number]): number => (kind === 'batchSize' ? v.tokens : v.batchSize);
  const yOf = (v: HyperparameterLaw['vertices'][number]): number => (kind === 'batchSize' ? v.batchSize : v.learningRate!);
  const points = laws.flatMap((l) => l.vertices.map((v) => ({ group: l.group, x: xOf(v), y: yOf(v) })));
  const lines = laws.flatMap((l) => {
    if (!l.fit || l.vertices.length === 0) return [];
    const xs = l.vertices.map(xOf);
    return [Math.min(...xs), Math.max(...xs)].map((x) => ({ group: l.group, x, y: Math.exp(l.fit!.intercept + l.fit!.slope * Math.log(x)) }));
  });
  const enc = {
    x: { field: 'x', type: 'quantitative', scale: log, title: kind === 'batchSize' ? 'tokens D' : 'batch size B (tokens)' },
    y: { field: 'y', type: 'quantitative', scale: log, title: kind === 'batchSize' ? 'optimal batch size B*' : 'optimal learning rate η*' },
    color: { field: 'group', type: 'nominal' },
  };
  return {
    $schema: SCHEMA, title: kind === 'batchSize' ? 'Optimal batch size B*(D)' : 'Optimal learning rate η*(B)', width: 480, height: 320,
    layer: [{ data: { values: lines }, mark: 'line', encoding: enc }, { data: { values: points }, mark: { type: 'point', filled: true }, encoding: enc }],
  };
}
