// Synthetic studies with a known answer, for choosing a design and predicting what a planned study can resolve
// (`difflm study --dry-run`). A planned study's runs are given losses from a known law
// L(M, D) = E + A·M^−α + B·D^−β (M FLOPs per token, so α_M = β/(α+β) exactly) times exp(noise), with the run
// noise structured as measured (noise-structure.ts): a share common to every run of one seed, a share a run
// carries along its curve, and the rest drawn per read. The runs then go through the design's own measurement
// and the same fits as a real report, so the spread of the fitted α_M over many synthetic studies is the
// precision the plan buys, and its mean against the truth is the method's bias on this grid.
import { fitApproach3VarPro, fitStudy, createFitRng, quantileSorted, type FitRng } from '@difflm/scaling-fit';
import { branchKey, readKey } from './read-keys.js';
import { trainedTokens } from './run-config.js';
import { studyDesign } from './study-designs.js';
import type { StudyPlan } from './study-plan.js';
import type { FinishedRun } from './study-results.js';

export interface SyntheticLaw { readonly E: number; readonly A: number; readonly alpha: number; readonly B: number; readonly beta: number }

export interface RunNoiseModel {
  /** sd of ln L of one run at one read (relative run-to-run noise). */
  readonly spread: number;
  /** Share of its variance a run carries along its curve (0–1). */
  readonly persistence: number;
  /** Share of its variance common to every run of the same seed (0 ≤ shared ≤ persistence). */
  readonly shared: number;
}

export interface DesignPrecision {
  readonly design: string;
  readonly truth: number;
  readonly studies: number;
  /** Studies in which the IsoFLOP α_M could not be fitted (a parabola lost, too few usable budgets). */
  readonly failures: number;
  /** IsoFLOP-vertex α_M: mean and the 95% half-width of its spread (half the 2.5–97.5% range). */
  readonly isoflop: { readonly mean: number; readonly halfWidth: number } | undefined;
  /** Joint (Approach 3, variable projection) α_M: the same. */
  readonly joint: { readonly mean: number; readonly halfWidth: number } | undefined;
  readonly totalFlops: number;
}

/** The exact compute-optimal exponent of M for the law. */
export const lawAlphaM = (law: SyntheticLaw): number => law.beta / (law.alpha + law.beta);

const lawLoss = (law: SyntheticLaw, M: number, D: number): number => law.E + law.A * M ** -law.alpha + law.B * D ** -law.beta;

/** A study's runs (the first noise type only) with synthetic losses: what the design would measure under `noise`. */
export function syntheticRuns(plan: StudyPlan, law: SyntheticLaw, noise: RunNoiseModel, rng: FitRng, group = plan.runs[0]?.config.noiseLabel): FinishedRun[] {
  const runs = plan.runs.filter((r) => r.config.noiseLabel === group);
  const shared = Math.max(0, Math.min(noise.shared, noise.persistence));
  const wc = noise.spread * Math.sqrt(shared), wu = noise.spread * Math.sqrt(noise.persistence - shared), we = noise.spread * Math.sqrt(1 - noise.persistence);
  const seedOffset = new Map<number, number>();
  return runs.map(({ id, config: c }) => {
    if (!seedOffset.has(c.seed)) seedOffset.set(c.seed, rng.normal());
    const runOffset = wc * seedOffset.get(c.seed)! + wu * rng.normal();
    const tokensPerStep = c.batchSequences * c.seqLen;
    const lossAt = (tokens: number): number => lawLoss(law, c.flopsPerToken, tokens) * Math.exp(runOffset + we * rng.normal());
    const metrics: Record<string, number> = {};
    if (c.reads) {
      for (const r of c.reads) {
        metrics[readKey(r.step)] = lossAt(r.step * tokensPerStep);
        // The noise model stands for whichever reading the design makes: a branch's read is the same draw.
        if (c.branches) metrics[branchKey(r.step)] = metrics[readKey(r.step)]!;
      }
    }
    const evalElbo = c.reads ? metrics[readKey(c.steps)] ?? lossAt(c.tokens) : lossAt(c.tokens);
    metrics.evalElbo = evalElbo;
    metrics.trainElboEma = evalElbo;
    return { id, study: plan.name, status: 'done', config: c, attempts: 1, worker: null, finalLoss: evalElbo, metrics, wallSeconds: 0, error: null, createdAt: '', finishedAt: '', curve: [] };
  });
}

function summary(values: number[]): { mean: number; halfWidth: number } | undefined {
  if (values.length < 10) return undefined;
  const s = Float64Array.from(values).sort();
  return { mean: values.reduce((a, v) => a + v, 0) / values.length, halfWidth: (quantileSorted(s, 0.975) - quantileSorted(s, 0.025)) / 2 };
}

/** Fit `studies` synthetic copies of the plan and summarise the fitted α_M (IsoFLOP vertices and joint fit). */
export function simulateDesignPrecision(plan: StudyPlan, law: SyntheticLaw, noise: RunNoiseModel, opts: { studies?: number; seed?: number; joint?: boolean; group?: string } = {}): DesignPrecision {
  const group = opts.group ?? plan.runs[0]?.config.noiseLabel;
  // The noise model stands for whichever reading the study uses; synthetic reads are measured directly.
  const def = { ...plan.definition, evaluation: { ...plan.definition.evaluation, loss: 'held-out' as const } };
  const design = studyDesign(def);
  const rng = createFitRng(opts.seed ?? 0);
  const n = opts.studies ?? 200;
  const iso: number[] = [], joint: number[] = [];
  let failures = 0;
  for (let k = 0; k < n; k++) {
    const runs = syntheticRuns(plan, law, noise, rng, group);
    const m = design.measure(def, runs);
    try {
      const fit = fitStudy(m.scalingRuns, { isoflop: { budgets: m.budgets }, frontier: { resamples: 0 } });
      const a = fit.exponentTable[0]?.alphaM?.estimate;
      if (a === undefined || !Number.isFinite(a) || fit.isoflop[fit.exponentTable[0]!.group]!.some((b) => !b.ok)) failures++;
      if (a !== undefined && Number.isFinite(a)) iso.push(a);
    } catch {
      failures++;
    }
    if (opts.joint ?? true) {
      try {
        joint.push(fitApproach3VarPro(m.scalingRuns.map((r) => ({ n: r.flopsPerToken!, d: r.tokens!, loss: r.loss! }))).allocation);
      } catch { /* counted by its absence */ }
    }
  }
  const totalFlops = plan.runs.filter((r) => r.config.noiseLabel === group).reduce((s, r) => s + trainedTokens(r.config) * r.config.flopsPerToken, 0);
  return { design: design.kind, truth: lawAlphaM(law), studies: n, failures, isoflop: summary(iso), joint: summary(joint), totalFlops };
}

export interface PrecisionPrediction {
  readonly group: string;
  readonly noise: RunNoiseModel;
  readonly precision: DesignPrecision;
  /** The bar the half-width is compared with, and the replicate seeds per run that would reach it (k× the compute). */
  readonly target: number;
  readonly seedsForTarget: number | undefined;
}

/**
 * What the planned study can resolve, from the study's prior (`prior.law` and `prior.noise` per noise type): the
 * 95% half-width of α_M over synthetic copies of the plan. Averaging k seeds of every run divides the noise by
 * √k (at k× the compute), so a target half-width h needs about (half-width / h)² seeds per run.
 */
export function predictPrecision(plan: StudyPlan, opts: { studies?: number; target?: number } = {}): PrecisionPrediction[] {
  const prior = plan.definition.prior;
  if (!prior?.law || !prior.noise) return [];
  const target = opts.target ?? 0.1;
  const out: PrecisionPrediction[] = [];
  for (const group of [...new Set(plan.runs.map((r) => r.config.noiseLabel))]) {
    const noise = prior.noise[group];
    if (!noise) continue;
    const precision = simulateDesignPrecision(plan, prior.law, noise, { studies: opts.studies ?? 200, seed: plan.definition.seed, group });
    const hw = precision.isoflop?.halfWidth;
    out.push({ group, noise, precision, target, seedsForTarget: hw === undefined ? undefined : Math.max(1, Math.ceil((hw / target) ** 2)) });
  }
  return out;
}
