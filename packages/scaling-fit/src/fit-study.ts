// One call for a whole sweep: resolve runs, IsoFLOP analysis per group, compute-optimal frontiers with
// bootstrap bands, the exponent table in the layout of the paper's Table 1 (α_M, α_D, α_L), the
// hyperparameter laws, and optionally the parametric Approach-3 fit. Everything is plain data (JSON-safe
// apart from the bootstrap bands' arrays), ready for `renderReport` from "@difflm/scaling-fit/report".
import { fitApproach3, type Approach3Result } from './approach3.js';
import { fitApproach3Mle, type Approach3MleResult } from './approach3-mle.js';
import { bootstrapApproach3VarPro, fitApproach3VarPro, runNoiseApproach3VarPro, type VarProBootstrap, type VarProFit } from './approach3-varpro.js';
import type { Interval } from './bootstrap.js';
import { allocationExponents } from './compute-optimal.js';
import { fitFrontier, type FrontierFit, type FrontierIssue, type FrontierOptions, type FrontierQuantity } from './frontier.js';
import { fitBatchSizeLaw, fitLearningRateLaw, type HyperparameterLaw } from './hyperparameter-laws.js';
import { isoflopAnalysis, type IsoflopBudget, type IsoflopOptions } from './isoflop.js';
import { fitPowerLaw, type PowerLawFit } from './power-law.js';
import { runNoiseIntervals, type RunNoiseOptions, type RunNoiseResult } from './run-noise.js';
import { dropTopLoss, resolveRuns, type RunIssue, type ScalingRun } from './runs.js';

export type ParametricMethod = 'approach3' | 'approach3-mle';

export interface FitStudyOptions {
  /** Epoch's outlier rule: drop runs with loss ≥ the k-th largest (default 0: keep all). */
  dropTopLoss?: number;
  isoflop?: IsoflopOptions;
  frontier?: FrontierOptions;
  /** Target losses for B*(D); omit to skip the batch-size law. */
  batchSizeTargets?: readonly number[];
  /** Token checkpoints for η*(B); omit to use each run's final tokens. */
  learningRateCheckpoints?: readonly number[];
  /** Also fit L(N, D) per group with Approach 3 (N = M here, C = M·D). */
  parametric?: ParametricMethod;
  /** Also give exponent intervals that carry the runs' own noise (a parametric bootstrap over runs). */
  runNoise?: RunNoiseOptions;
  /**
   * Also fit L(M, D) = E + A·M^−α + B·D^−β to every point of each group (M = FLOPs per token, so C = M·D and
   * α_M = β/(α+β)) by variable projection, free and with tied exponents, with a bootstrap over trajectories.
   */
  joint?: { resamples?: number; seed?: number };
}

/** The joint Approach-3 fit of one group (variable projection), or why it could not be made. */
export type JointFit = {
  /** The free fit with a bootstrap that resamples whole runs (sizes drop out of or double in a resample). */
  free: VarProBootstrap;
  /**
   * The same fit with the parametric bootstrap over the runs' measured noise (when run-noise intervals were made): the
   * calibrated one (ADR 0006: 97.5% coverage on synthetic quick studies, where resampling runs covered 100% at twice
   * the width and a wild bootstrap over runs 65%).
   */
  runNoise?: VarProBootstrap;
  tied: VarProFit;
} | { error: string };

/** One row of the exponent table (paper Table 1): exponents of M*, D*, L* (and P* when known) against C. */
export interface ExponentRow {
  group: string;
  alphaM?: Interval;
  alphaP?: Interval;
  alphaD?: Interval;
  alphaL?: Interval;
  /** The same exponents with intervals from the runs' own noise (when `runNoise` was asked for and possible). */
  runNoise?: { alphaM?: Interval; alphaP?: Interval; alphaD?: Interval; alphaL?: Interval };
}

/**
 * The token-bound frontier L*(D*) of one group (the paper's Fig. 4 right): each usable budget's optimal loss
 * against its optimal token count, fitted as L* = A·D*^α. Comparing groups at equal D* shows which noise
 * type needs more data for the same loss.
 */
export interface TokenFrontier {
  group: string;
  points: { tokens: number; loss: number; budget: number }[];
  law?: PowerLawFit;
}

export interface StudyFit {
  runsUsed: number;
  runIssues: RunIssue[];
  /** IsoFLOP budgets per group. */
  isoflop: Record<string, IsoflopBudget[]>;
  frontiers: FrontierFit[];
  frontierIssues: FrontierIssue[];
  exponentTable: ExponentRow[];
  tokenFrontiers: TokenFrontier[];
  hyperparameters: { batchSize: HyperparameterLaw[]; learningRate: HyperparameterLaw[] };
  /** Per group: the run-noise bootstrap (when asked for), or why it could not be made. */
  runNoise?: Record<string, RunNoiseResult | { error: string }>;
  joint?: Record<string, JointFit>;
  parametric?: Record<string, (Approach3Result | Approach3MleResult) & { method: ParametricMethod; allocation: { a: number; b: number } } | { method: ParametricMethod; error: string }>;
}

const QUANTITIES: readonly FrontierQuantity[] = ['flopsPerToken', 'params', 'tokens', 'loss'];

/** The exponent-table column of each frontier quantity. */
const EXPONENT_OF = { flopsPerToken: 'alphaM', params: 'alphaP', tokens: 'alphaD', loss: 'alphaL' } as const satisfies Record<FrontierQuantity, keyof ExponentRow>;

/** The row's exponents from per-quantity intervals (quantities without one are left out). */
function exponentsOf(intervals: (q: FrontierQuantity) => Interval | undefined): NonNullable<ExponentRow['runNoise']> {
  const out: NonNullable<ExponentRow['runNoise']> = {};
  for (const q of QUANTITIES) {
    const iv = intervals(q);
    if (iv) out[EXPONENT_OF[q]] = iv;
  }
  return out;
}

function toInterval(f: FrontierFit | undefined): Interval | undefined {
  if (!f) return undefined;
  return f.intervals?.alpha ?? { estimate: f.law.alpha, lower: NaN, upper: NaN, level: NaN };
}

/** Fit everything a scaling study reports. Bad runs and unusable budgets are listed, never silently fitted. */
export function fitStudy(input: readonly ScalingRun[], options: FitStudyOptions = {}): StudyFit {
  const kept = options.dropTopLoss ? dropTopLoss(input, options.dropTopLoss) : input;
  const { runs, issues } = resolveRuns(kept);
  if (runs.length === 0) throw new Error(`no usable runs: ${issues.slice(0, 3).map((i) => i.message).join('; ')}`);
  const budgets = isoflopAnalysis(runs, options.isoflop);
  const groups = [...new Set(runs.map((r) => r.group))].sort();
  const isoflop: Record<string, IsoflopBudget[]> = Object.fromEntries(groups.map((g) => [g, budgets.filter((b) => b.group === g)]));
  const frontiers: FrontierFit[] = [];
  const frontierIssues: FrontierIssue[] = [];
  for (const group of groups) {
    for (const q of QUANTITIES) {
      if (q === 'params' && runs.some((r) => r.group === group && r.params === undefined)) continue;
      try { frontiers.push(fitFrontier(group, budgets, q, options.frontier)); } catch (e) { frontierIssues.push({ group, quantity: q, message: (e as Error).message }); }
    }
  }
  const find = (g: string, q: FrontierQuantity): FrontierFit | undefined => frontiers.find((f) => f.group === g && f.quantity === q);
  const exponentTable: ExponentRow[] = groups.map((group) => {
    return { group, ...exponentsOf((q) => toInterval(find(group, q))) };
  });
  let runNoise: StudyFit['runNoise'];
  if (options.runNoise) {
    runNoise = {};
    for (const row of exponentTable) {
      try {
        const r = runNoiseIntervals(row.group, budgets, options.runNoise);
        runNoise[row.group] = r;
        row.runNoise = exponentsOf((q) => r.intervals[q]);
      } catch (e) {
        runNoise[row.group] = { error: (e as Error).message };
      }
    }
  }
  const hyperparameters = {
    batchSize: options.batchSizeTargets ? fitBatchSizeLaw(runs, options.batchSizeTargets) : [],
    learningRate: runs.some((r) => r.learningRate !== undefined && r.batchSize !== undefined) ? fitLearningRateLaw(runs, options.learningRateCheckpoints) : [],
  };
  const tokenFrontiers: TokenFrontier[] = groups.map((group) => {
    const points = isoflop[group]!.filter((b) => b.ok && b.parabolas.tokens).map((b) => ({ tokens: b.parabolas.tokens!.optimum, loss: b.parabolas.tokens!.lossAtOptimum, budget: b.budget }));
    const tf: TokenFrontier = { group, points };
    if (points.length >= 2) tf.law = fitPowerLaw(points.map((p) => p.tokens), points.map((p) => p.loss));
    return tf;
  });
  const result: StudyFit = { runsUsed: runs.length, runIssues: issues, isoflop, frontiers, frontierIssues, exponentTable, tokenFrontiers, hyperparameters, ...(runNoise ? { runNoise } : {}) };
  if (options.joint) {
    result.joint = {};
    for (const group of groups) {
      const pts = runs.filter((r) => r.group === group).map((r) => ({ n: r.flopsPerToken, d: r.tokens, loss: r.loss, trajectory: r.trajectory, replicates: r.replicates }));
      try {
        const bs = { resamples: options.joint.resamples ?? 1000, seed: options.joint.seed ?? 0 };
        const rn = runNoise?.[group];
        const noise = rn && !('error' in rn) && rn.noise.relativeSpread !== undefined ? { spread: rn.noise.relativeSpread, persistence: rn.noise.persistence } : undefined;
        result.joint[group] = {
          free: bootstrapApproach3VarPro(pts, bs), tied: fitApproach3VarPro(pts, { tied: true }),
          ...(noise ? { runNoise: runNoiseApproach3VarPro(pts, noise, bs) } : {}),
        };
      } catch (e) {
        result.joint[group] = { error: (e as Error).message };
      }
    }
  }
  if (options.parametric) {
    const method = options.parametric;
    result.parametric = {};
    for (const group of groups) {
      const pts = runs.filter((r) => r.group === group).map((r) => ({ n: r.params ?? r.flopsPerToken, d: r.tokens, loss: r.loss }));
      try {
        const fit = method === 'approach3' ? fitApproach3(pts) : fitApproach3Mle(pts);
        result.parametric[group] = { ...fit, method, allocation: allocationExponents(fit) };
      } catch (e) {
        result.parametric[group] = { method, error: (e as Error).message };
      }
    }
  }
  return result;
}
