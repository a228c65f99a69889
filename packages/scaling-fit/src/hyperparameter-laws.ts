// Hyperparameter laws (SPEC §5.1): the optimal batch size B*(D) from quadratic vertices in
// (ln B, ln tokens-to-target) per (group, size, target loss), and the optimal learning rate η*(B) from
// quadratic vertices in (ln η, ln loss) per (group, size, batch, tokens); both as OLS power laws on
// (ln x, ln y) with 99% intervals.
import { fitLinear, type LinearFit } from './ols.js';
import { fitQuadratic, evalQuadratic } from './quadratic.js';
import { lossAtTokens } from './loss-curve.js';
import type { LossCurve, ResolvedRun } from './runs.js';

export interface HyperparameterVertex {
  group: string;
  size: number;
  /** Batch-size law: tokens D* at the vertex; LR law: the tokens checkpoint. */
  tokens: number;
  batchSize: number;
  learningRate?: number;
  targetLoss?: number;
}

export interface HyperparameterLaw {
  group: string;
  /** ln y = intercept + slope·ln x (x = D for B*, x = B for η*); undefined when too few vertices. */
  fit: LinearFit | undefined;
  vertices: HyperparameterVertex[];
  /** Why some (group, size, …) cells gave no vertex. */
  skipped: string[];
}

/** Tokens at which the curve first reaches `target` (log-log interpolation), or undefined. */
export function tokensToTarget(curve: LossCurve, target: number): number | undefined {
  const { tokens: t, loss: l } = curve;
  for (let i = 0; i < t.length; i++) {
    if (l[i]! <= target) {
      if (i === 0) return t[0];
      const x0 = Math.log(t[i - 1]!), x1 = Math.log(t[i]!), y0 = Math.log(l[i - 1]!), y1 = Math.log(l[i]!);
      const f = (Math.log(target) - y0) / (y1 - y0);
      return Math.exp(x0 + f * (x1 - x0));
    }
  }
  return undefined;
}

const groupsOf = (runs: readonly ResolvedRun[]): string[] => [...new Set(runs.map((r) => r.group))].sort();

function convexVertexInRange(x: number[], y: number[]): { x: number; y: number } | string {
  if (new Set(x).size < 3) return `${new Set(x).size} distinct values (need 3)`;
  const q = fitQuadratic(x, y);
  if (!(q.c2 > 0)) return 'the quadratic opens downward';
  if (q.vertexX < Math.min(...x) || q.vertexX > Math.max(...x)) return 'the vertex lies outside the sampled range';
  return { x: q.vertexX, y: evalQuadratic(q, q.vertexX) };
}

/** B*(D): per (group, size, target), minimum tokens-to-target per batch size (over LR), quadratic vertex. */
export function fitBatchSizeLaw(runs: readonly ResolvedRun[], targets: readonly number[], level = 0.99): HyperparameterLaw[] {
  const out: HyperparameterLaw[] = [];
  for (const group of groupsOf(runs)) {
    const gr = runs.filter((r) => r.group === group && r.curve && r.batchSize !== undefined);
    const vertices: HyperparameterVertex[] = [], skipped: string[] = [];
    for (const size of [...new Set(gr.map((r) => r.flopsPerToken))].sort((a, b) => a - b)) {
      for (const target of targets) {
        const best = new Map<number, number>();
        for (const r of gr.filter((q) => q.flopsPerToken === size)) {
          const d = tokensToTarget(r.curve!, target);
          if (d !== undefined) best.set(r.batchSize!, Math.min(best.get(r.batchSize!) ?? Infinity, d));
        }
        const bs = [...best.keys()];
        const v = convexVertexInRange(bs.map(Math.log), bs.map((b) => Math.log(best.get(b)!)));
        if (typeof v === 'string') { skipped.push(`size ${size.toExponential(3)}, target ${target}: ${v}`); continue; }
        vertices.push({ group, size, tokens: Math.exp(v.y), batchSize: Math.exp(v.x), targetLoss: target });
      }
    }
    if (vertices.length < 3) { skipped.push(`group ${group}: only ${vertices.length} vertices, no law fitted`); out.push({ group, fit: undefined, vertices, skipped }); continue; }
    out.push({ group, fit: fitLinear(vertices.map((v) => Math.log(v.tokens)), vertices.map((v) => Math.log(v.batchSize)), level), vertices, skipped });
  }
  return out;
}

/**
 * η*(B): per (group, size, batch, tokens checkpoint), the vertex of ln loss over ln η, then OLS of ln η* on
 * ln B. `tokenCheckpoints` default to each run's final tokens (runs then group by exact final tokens).
 */
export function fitLearningRateLaw(runs: readonly ResolvedRun[], tokenCheckpoints?: readonly number[], level = 0.99): HyperparameterLaw[] {
  const out: HyperparameterLaw[] = [];
  for (const group of groupsOf(runs)) {
    const gr = runs.filter((r) => r.group === group && r.batchSize !== undefined && r.learningRate !== undefined);
    const vertices: HyperparameterVertex[] = [], skipped: string[] = [];
    const cells = new Map<string, { size: number; batch: number; tokens: number; pts: Map<number, number> }>();
    for (const r of gr) {
      const reads: [number, number | undefined][] = tokenCheckpoints
        ? tokenCheckpoints.map((d) => [d, r.curve ? lossAtTokens(r.curve, d) : Math.abs(Math.log(r.tokens / d)) < 1e-9 ? r.loss : undefined])
        : [[r.tokens, r.loss]];
      for (const [d, loss] of reads) {
        if (loss === undefined) continue;
        const key = `${r.flopsPerToken}|${r.batchSize}|${d}`;
        const cell = cells.get(key) ?? { size: r.flopsPerToken, batch: r.batchSize!, tokens: d, pts: new Map() };
        cell.pts.set(r.learningRate!, Math.min(cell.pts.get(r.learningRate!) ?? Infinity, loss));
        cells.set(key, cell);
      }
    }
    for (const cell of cells.values()) {
      const etas = [...cell.pts.keys()];
      const v = convexVertexInRange(etas.map(Math.log), etas.map((e) => Math.log(cell.pts.get(e)!)));
      if (typeof v === 'string') { skipped.push(`size ${cell.size.toExponential(3)}, batch ${cell.batch}, tokens ${cell.tokens.toExponential(3)}: ${v}`); continue; }
      vertices.push({ group, size: cell.size, tokens: cell.tokens, batchSize: cell.batch, learningRate: Math.exp(v.x) });
    }
    if (vertices.length < 3 || new Set(vertices.map((v) => v.batchSize)).size < 2) { skipped.push(`group ${group}: ${vertices.length} vertices over too few batch sizes, no law fitted`); out.push({ group, fit: undefined, vertices, skipped }); continue; }
    out.push({ group, fit: fitLinear(vertices.map((v) => Math.log(v.batchSize)), vertices.map((v) => Math.log(v.learningRate!)), level), vertices, skipped });
  }
  return out;
}
