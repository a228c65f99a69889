// Learning-rate transfer across widths (CompleteP, SPEC §4): for every (noise, size, budget) trained at three or
// more base LRs, the loss against η_base and the optimum from a parabola in (ln η, ln L), as the paper finds η*
// (SPEC §5.1). If the rule transfers, the optima of all widths sit at about the same multiple of the design LR.
import { fitQuadratic } from '@difflm/scaling-fit';
import type { GridPoint } from './grid-points.js';

export interface LrCurve {
  readonly noise: string;
  readonly model: string;
  readonly width: number;
  readonly budget: number;
  readonly points: readonly { lr: number; loss: number; spread?: number; standardError?: number }[];
  /** Vertex of the parabola, when it opens upward and lies inside the swept LRs. */
  readonly optimum?: { lr: number; loss: number };
  /** Why there is no optimum, or where the best LR sits. */
  readonly note: string;
}

export function lrCurves(points: readonly GridPoint[]): LrCurve[] {
  const groups = new Map<string, GridPoint[]>();
  for (const p of points) {
    const k = `${p.noise}|${p.model}|${p.budget}`;
    const g = groups.get(k);
    if (g) g.push(p); else groups.set(k, [p]);
  }
  const out: LrCurve[] = [];
  for (const ps of groups.values()) {
    const byLr = [...ps].sort((a, b) => a.runs[0]!.run.config.lr - b.runs[0]!.run.config.lr);
    if (new Set(byLr.map((p) => p.runs[0]!.run.config.lr)).size < 3) continue;
    const c = byLr[0]!.runs[0]!.run.config;
    const pts = byLr.map((p) => ({ lr: p.runs[0]!.run.config.lr, loss: p.loss, ...(p.spread !== undefined ? { spread: p.spread } : {}), ...(p.standardError !== undefined ? { standardError: p.standardError } : {}) }));
    const best = pts.reduce((a, b) => (b.loss < a.loss ? b : a));
    let optimum: LrCurve['optimum'];
    let note: string;
    if (best === pts[0] || best === pts.at(-1)) {
      note = `the best LR ${best.lr.toPrecision(3)} is at the ${best === pts[0] ? 'low' : 'high'} end of the sweep: widen it`;
    } else {
      // Fit the best point and its neighbours on each side (a local parabola, robust to divergent far ends).
      const i = pts.indexOf(best);
      const local = pts.slice(Math.max(0, i - 2), i + 3);
      const q = fitQuadratic(local.map((p) => Math.log(p.lr)), local.map((p) => Math.log(p.loss)));
      if (q.c2 > 0 && q.vertexX >= Math.log(local[0]!.lr) && q.vertexX <= Math.log(local.at(-1)!.lr)) {
        optimum = { lr: Math.exp(q.vertexX), loss: Math.exp(q.c0 + q.c1 * q.vertexX + q.c2 * q.vertexX ** 2) };
        note = `η* = ${optimum.lr.toPrecision(3)}`;
      } else note = `no convex optimum near the best LR ${best.lr.toPrecision(3)}`;
    }
    out.push({ noise: c.noiseLabel, model: c.model.name, width: c.model.width, budget: c.budgetFlops, points: pts, ...(optimum ? { optimum } : {}), note });
  }
  return out.sort((a, b) => a.width - b.width);
}

/** Vega-Lite: loss against base LR, one line per width (error bars from spread/SE), optima as diamonds. */
export function lrSweepSpec(curves: readonly LrCurve[]): Record<string, unknown> {
  const label = (c: LrCurve) => `${c.noise} ${c.model} @ ${c.budget.toExponential(1)}`;
  const values = curves.flatMap((c) => c.points.map((p) => {
    const err = Math.max(p.spread ?? 0, p.standardError ?? 0);
    return { series: label(c), lr: p.lr, loss: p.loss, lo: p.loss - err, hi: p.loss + err };
  }));
  const optima = curves.filter((c) => c.optimum).map((c) => ({ series: label(c), lr: c.optimum!.lr, loss: c.optimum!.loss }));
  const losses = [...values.flatMap((v) => [v.lo, v.hi]), ...optima.map((o) => o.loss)];
  const lrs = [...values.map((v) => v.lr), ...optima.map((o) => o.lr)];
  const x = { field: 'lr', type: 'quantitative', scale: { type: 'log', nice: false, domain: [Math.min(...lrs) / 1.1, Math.max(...lrs) * 1.1] }, title: 'base LR η_base' };
  const y = { field: 'loss', type: 'quantitative', scale: { type: 'log', nice: false, zero: false, domain: [Math.min(...losses) / 1.01, Math.max(...losses) * 1.01] }, axis: { format: '.3~g' }, title: 'loss (nats/token)' };
  const color = { field: 'series', type: 'nominal', title: 'width' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title: 'Loss against base LR per width (LR transfer)', width: 480, height: 320,
    layer: [
      { data: { values }, mark: { type: 'line', point: true }, encoding: { x, y, color } },
      { data: { values }, mark: 'rule', encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color } },
      { data: { values: optima }, mark: { type: 'point', shape: 'diamond', size: 100, filled: true }, encoding: { x, y, color } },
    ],
  };
}
