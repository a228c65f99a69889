// Does each budget's set of sizes straddle the compute-optimal size? An IsoFLOP vertex outside the sampled sizes is
// extrapolation, not a measurement (Hoffmann et al. 2022), so `--dry-run` checks every budget against a predicted
// optimum M*(C) = A·C^α: from the vertices of this study's finished runs when at least two budgets have one,
// else from the study's prior.
import { fitPowerLaw, type IsoflopBudget } from '@difflm/scaling-fit';
import { flopsPerToken } from './model-size.js';
import { budgetGrid } from './study-plan.js';
import type { StudyDefinition } from './study-definition.js';

export interface OptimumPrediction {
  readonly A: number;
  readonly alpha: number;
  /** Where the law comes from, in words. */
  readonly source: string;
}

export interface BracketWarning {
  readonly budget: number;
  readonly predicted: number;
  readonly range: readonly [number, number];
  readonly message: string;
}

/** M*(C) fitted on the usable IsoFLOP vertices of finished runs, per noise type pooled; undefined below 2 budgets. */
export function predictionFromRuns(budgets: readonly IsoflopBudget[]): OptimumPrediction | undefined {
  const pts = budgets.filter((b) => b.ok && b.parabolas.flopsPerToken);
  if (new Set(pts.map((b) => b.budget)).size < 2) return undefined;
  const law = fitPowerLaw(pts.map((b) => b.budget), pts.map((b) => b.parabolas.flopsPerToken!.optimum));
  return { A: law.A, alpha: law.alpha, source: `fitted on ${pts.length} IsoFLOP vertices of this study's finished runs` };
}

export function predictionFromPrior(def: StudyDefinition): OptimumPrediction | undefined {
  const p = def.prior?.flopsPerToken;
  return p ? { A: p.A, alpha: p.alpha, source: 'the study\'s prior' } : undefined;
}

/**
 * Budgets whose sizes will not bracket the predicted optimum. A budget also warns when the optimum sits in the outer
 * size of its window (the vertex is then poorly constrained on one side).
 */
export function bracketWarnings(def: StudyDefinition, prediction: OptimumPrediction): BracketWarning[] {
  const out: BracketWarning[] = [];
  for (const { budget, sizes } of budgetGrid(def)) {
    const ms = sizes.map((s) => flopsPerToken(s, def.seqLen)); // ascending: budgetGrid sorts sizes by M
    const lo = ms[0]!, hi = ms.at(-1)!;
    const predicted = prediction.A * Math.pow(budget, prediction.alpha);
    const fmt = (x: number) => x.toExponential(2);
    if (sizes.length < 3) {
      out.push({ budget, predicted, range: [lo, hi], message: `budget ${fmt(budget)}: only ${sizes.length} size(s); an IsoFLOP parabola needs at least 3 (5 or more to straddle the optimum)` });
    } else if (predicted < lo || predicted > hi) {
      out.push({ budget, predicted, range: [lo, hi], message: `budget ${fmt(budget)}: its sizes span M = ${fmt(lo)}–${fmt(hi)} FLOPs/token but the predicted optimum is M* = ${fmt(predicted)} (${prediction.source}); add ${predicted < lo ? 'smaller' : 'larger'} models to this budget` });
    } else if (predicted < ms[1]! || predicted > ms.at(-2)!) {
      const [a, b] = predicted < ms[1]! ? [ms[0]!, ms[1]!] : [ms.at(-2)!, hi];
      out.push({ budget, predicted, range: [lo, hi], message: `budget ${fmt(budget)}: the predicted optimum M* = ${fmt(predicted)} (${prediction.source}) lies in the outermost size interval [${fmt(a)}, ${fmt(b)}]; centre the window on it` });
    }
  }
  return out;
}

/** The prediction a dry run checks against: the study's finished runs in `dir` when they fix one, else its prior. */
export async function studyOptimumPrediction(def: StudyDefinition, dir: string | undefined): Promise<OptimumPrediction | undefined> {
  if (dir) {
    const { existsSync } = await import('node:fs');
    const { studyPaths } = await import('./run-study.js');
    if (existsSync(studyPaths(dir).db) && existsSync(studyPaths(dir).definition)) {
      const { loadStudyResults } = await import('./study-results.js');
      const { measuredPoints } = await import('./study-designs.js');
      const { fitStudy } = await import('@difflm/scaling-fit');
      try {
        const m = measuredPoints(loadStudyResults(dir));
        if (m.points.length >= 3) {
          const fit = fitStudy(m.scalingRuns, { isoflop: { budgets: m.budgets }, frontier: { resamples: 0 } });
          const fromRuns = predictionFromRuns(Object.values(fit.isoflop).flat());
          if (fromRuns) return fromRuns;
        }
      } catch {
        // Too few or unusable runs so far: fall back to the prior.
      }
    }
  }
  return predictionFromPrior(def);
}
