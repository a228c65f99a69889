// From finished runs to measured grid points: each run's loss as the study measures it (the held-out ELBO on
// the study's shared evaluation set, or the final training-ELBO EMA), and replicate runs of one grid point
// (the same noise, size, budget, batch and LR under other seeds) averaged into one point with their spread.
import type { ScalingRun } from '@difflm/scaling-fit';
import type { StudyDefinition } from './study-definition.js';
import type { FinishedRun } from './study-results.js';

export type LossMeasure = StudyDefinition['evaluation']['loss'];

export interface MeasuredRun {
  readonly run: FinishedRun;
  /** The loss the study fits (nats per token). */
  readonly loss: number;
  /** Standard error of that loss as an estimate (held-out evaluation only). */
  readonly standardError: number | undefined;
}

/** One grid point: the mean over its replicate runs. */
export interface GridPoint {
  readonly key: string;
  readonly noise: string;
  readonly model: string;
  readonly budget: number;
  readonly runs: readonly MeasuredRun[];
  readonly loss: number;
  /** Sample standard deviation over replicates (undefined with one run). */
  readonly spread: number | undefined;
  /** Standard error of the mean's evaluation noise: √(Σ se²)/n. */
  readonly standardError: number | undefined;
}

/** The run's loss under the study's measure; undefined when the run lacks it (e.g. no held-out evaluation). */
export function measureRun(run: FinishedRun, measure: LossMeasure): MeasuredRun | undefined {
  if (measure === 'train-ema') {
    const loss = run.metrics?.trainElboEma ?? run.finalLoss ?? undefined;
    return loss !== undefined && Number.isFinite(loss) ? { run, loss, standardError: undefined } : undefined;
  }
  const loss = run.metrics?.evalElbo;
  if (loss === undefined || !Number.isFinite(loss)) return undefined;
  const se = run.metrics?.evalStandardError;
  return { run, loss, standardError: se !== undefined && Number.isFinite(se) ? se : undefined };
}

const keyOf = (r: FinishedRun): string => {
  const c = r.config;
  return [c.noiseLabel, c.model.name, c.budgetFlops, c.batchSequences, c.lr].join('|');
};

/** Group measured runs into grid points (replicates averaged), in the order of their first run. */
export function gridPoints(runs: readonly MeasuredRun[]): GridPoint[] {
  const groups = new Map<string, MeasuredRun[]>();
  for (const m of runs) {
    const k = keyOf(m.run);
    const g = groups.get(k);
    if (g) g.push(m); else groups.set(k, [m]);
  }
  return [...groups.entries()].map(([key, ms]) => {
    const n = ms.length;
    const loss = ms.reduce((s, m) => s + m.loss, 0) / n;
    const spread = n > 1 ? Math.sqrt(ms.reduce((s, m) => s + (m.loss - loss) ** 2, 0) / (n - 1)) : undefined;
    const ses = ms.map((m) => m.standardError);
    const standardError = ses.every((s) => s !== undefined) ? Math.sqrt(ses.reduce((s, v) => s + v! ** 2, 0)) / n : undefined;
    const c = ms[0]!.run.config;
    return { key, noise: c.noiseLabel, model: c.model.name, budget: c.budgetFlops, runs: ms, loss, spread, standardError };
  });
}

/**
 * A grid point as a scaling-fit row. Held-out losses are final-only (no curve: reading a held-out loss at another
 * budget is not possible, and a training curve read mid-run would mix in the LR schedule); the training EMA keeps
 * the primary run's curve, as the paper reads losses off its curves.
 */
export function scalingRunOfPoint(p: GridPoint, measure: LossMeasure): ScalingRun {
  const primary = [...p.runs].sort((a, b) => a.run.config.seed - b.run.config.seed)[0]!.run;
  const c = primary.config;
  const run: ScalingRun = {
    id: primary.id, group: c.noiseLabel, params: c.params, flopsPerToken: c.flopsPerToken, tokens: c.tokens, loss: p.loss,
    batchSize: c.batchSequences * c.seqLen, learningRate: c.lr, replicates: p.runs.length,
  };
  if (p.standardError !== undefined) run.lossStandardError = p.standardError;
  if (p.spread !== undefined) run.lossSpread = p.spread;
  if (measure === 'train-ema' && p.runs.length === 1) {
    const pts = primary.curve.filter((q) => q.tokens > 0 && q.loss > 0);
    if (pts.length > 0) run.curve = { tokens: pts.map((q) => q.tokens), loss: pts.map((q) => q.loss) };
  }
  return run;
}
