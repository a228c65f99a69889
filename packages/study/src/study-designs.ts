// Study designs as values (ADR 0006): how a study turns its grid of (noise, size, budget) points into runs, and
// how it reads each point's loss back from the finished runs. One registry, like the noise types: a design is
// named by `design.kind` in the study file, checks its own options, plans the runs and measures them.
//
// - `separate`: one run per (size, budget) point with its own warmup and cooldown; the point's loss is the run's
//   final loss. Every point carries a whole run's seed noise.
// - `curve` (the paper's sweep, SPEC §5.2–5.5): one run per size (and batch, LR, seed) at constant LR after a
//   warmup shared by every run, no cooldown, trained to the largest budget that lists the size; the loss at every
//   budget the size passes is read off the run — a held-out evaluation on the study's shared set at the step
//   where the run has spent that budget (evaluation.loss 'held-out'), or the curve L(S) = C + B·S^−b fitted to
//   the training ELBO's EMA after the warmup (evaluation.loss 'train-ema', the paper's reading). Every size gets
//   a point at every budget it passes, and the points of one run share its noise (their trajectory).
import { z } from 'zod';
import { evalCurveModel, fitCurveModel, fitCurveModelThroughEma, type ScalingRun } from '@difflm/scaling-fit';
import { CURVE_EMA_GAMMA } from './run-executor.js';
import type { NoiseChoice } from './noise-choices.js';
import { flopsPerToken, paperParams, type ModelSize } from './model-size.js';
import { batchesFor, lrsFor, replicateSeeds, seedsFor, type BudgetGrid } from './plan-grid.js';
import type { RunConfig } from './run-config.js';
import { branchKey, branchSeKey, readKey, readSeKey } from './read-keys.js';
import { budgetFlops, type StudyDefinition } from './study-definition.js';
import type { FinishedRun, StudyResults } from './study-results.js';
import { gridPoints, measureRun, scalingRunOfPoint, type GridPoint, type LossMeasure, type MeasuredRun } from './grid-points.js';

export interface DesignPlanContext {
  readonly def: StudyDefinition;
  readonly noises: readonly NoiseChoice[];
  readonly grid: BudgetGrid;
  /** Replicated grid points as pointKey()s, or null when every budget's middle size is replicated. */
  readonly replicated: Set<string> | null;
  /** Trainer settings every run shares. */
  readonly trainer: Readonly<Record<string, unknown>>;
}

/** A study's finished runs measured its design's way. */
export interface MeasuredStudy {
  readonly measure: LossMeasure;
  /** Grid points (noise, size, budget), replicates averaged. */
  readonly points: GridPoint[];
  /** The rows the scaling fits use (one per grid point; points read off one run share its trajectory). */
  readonly scalingRuns: ScalingRun[];
  readonly budgets: number[];
  /** Reads that a finished run lacks (a run without that held-out evaluation, or a curve that cannot be fitted). */
  readonly missingReads: number;
}

export interface StudyDesign {
  readonly kind: string;
  readonly summary: string;
  /** Check the design's options (the study file's `design` object); throws naming the field and the fix. */
  check(def: StudyDefinition): void;
  /** The runs of the study, before ids (planStudy dedups them and checks the trainer settings once). */
  plan(ctx: DesignPlanContext): RunConfig[];
  /** Each grid point's loss from the finished runs. */
  measure(def: StudyDefinition, runs: readonly FinishedRun[]): MeasuredStudy;
}

const posInt = z.number().int().positive();

function parseOptions<T extends z.ZodType>(schema: T, def: StudyDefinition): z.output<T> {
  const r = schema.safeParse(def.design);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`design${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`);
  }
  return r.data;
}

function runConfig(ctx: DesignPlanContext, noise: NoiseChoice, size: ModelSize, budget: number, batch: number, steps: number, lr: number, warmupSteps: number, seed: number, extra: Partial<RunConfig> = {}): RunConfig {
  const { def } = ctx;
  return {
    noiseLabel: noise.label,
    noise: noise.spec,
    model: { name: size.name, layers: size.layers, width: size.width, heads: size.heads, ...(def.init === 'nested' ? { init: 'nested' as const } : {}) },
    seqLen: def.seqLen,
    data: def.data,
    budgetFlops: budget,
    flopsPerToken: flopsPerToken(size, def.seqLen),
    params: paperParams(size),
    batchSequences: batch,
    steps,
    tokens: steps * batch * def.seqLen,
    lr: Number(lr.toPrecision(6)),
    warmupSteps,
    seed,
    trainer: ctx.trainer,
    ...extra,
  };
}

function tooFewSteps(budget: number, size: ModelSize, M: number, wanted: number, steps: number, batch: number, seqLen: number, min: number): Error {
  const need = M * batch * seqLen * min;
  return new Error(
    `budgets: ${budget.toExponential(2)} FLOPs gives ${size.name} (${M.toExponential(2)} FLOPs/token) only ${Math.floor(wanted)} tokens = ${steps} steps of ${batch}×${seqLen} tokens, fewer than minSteps ${min}; raise the budget to at least ${need.toExponential(2)} FLOPs, drop that model, or lower minSteps/batch`,
  );
}

const separateOptions = z.object({ kind: z.literal('separate') }).strict();

export const separateDesign: StudyDesign = {
  kind: 'separate',
  summary: 'one run per (size, budget) point with its own warmup and cooldown; the final loss is the point',
  check(def) { parseOptions(separateOptions, def); },
  plan(ctx) {
    const { def } = ctx;
    const out: RunConfig[] = [];
    for (const { budget, sizes } of ctx.grid) {
      for (const size of sizes) {
        const M = flopsPerToken(size, def.seqLen);
        const wanted = budget / M;
        for (const batch of batchesFor(def, wanted)) {
          const batchTokens = batch * def.seqLen;
          const steps = Math.ceil(wanted / batchTokens);
          if (steps < def.minSteps) throw tooFewSteps(budget, size, M, wanted, steps, batch, def.seqLen, def.minSteps);
          const warmupSteps = Math.min(def.warmup.maxSteps, Math.round(def.warmup.fraction * steps));
          for (const lr of lrsFor(def, batchTokens)) {
            for (const noise of ctx.noises) for (const seed of seedsFor(def, ctx.replicated, budget, sizes, size)) {
              out.push(runConfig(ctx, noise, size, budget, batch, steps, lr, warmupSteps, seed));
            }
          }
        }
      }
    }
    return out;
  },
  measure(def, runs) {
    const measure = def.evaluation.loss;
    const points = gridPoints(runs.map((r) => measureRun(r, measure)).filter((m): m is MeasuredRun => m !== undefined));
    return { measure, points, scalingRuns: points.map((p) => scalingRunOfPoint(p, measure)), budgets: def.budgets.map(budgetFlops), missingReads: runs.length - points.reduce((s, p) => s + p.runs.length, 0) };
  },
};

const curveOptions = z.object({
  kind: z.literal('curve'),
  /** Warmup steps of every run (one warmup for all sizes). Default: warmup.fraction of the shortest run, capped at warmup.maxSteps. */
  warmupSteps: posInt.optional(),
  /** No budget is read before this step (default: twice the warmup, and at least minSteps). */
  minReadSteps: posInt.optional(),
  /**
   * How the training curve is fitted when reads come from it (`evaluation.loss: "train-ema"`): `through-ema` fits
   * the law's own EMA to the logged EMA (exact at any run length); `ema` fits the logged EMA as if it were the loss,
   * as the paper does at 10⁴–10⁵ steps — in a run of a few hundred steps that reads the curve ~24 steps late.
   */
  curveFit: z.enum(['through-ema', 'ema']).default('through-ema'),
}).strict();


/** The steps and sizes of a curve-design study: each size with the largest budget that lists it. */
function curveSizes(grid: BudgetGrid): { size: ModelSize; maxBudget: number }[] {
  const bySize = new Map<string, { size: ModelSize; maxBudget: number }>();
  for (const { budget, sizes } of grid) for (const size of sizes) {
    const cur = bySize.get(size.name);
    if (!cur || budget > cur.maxBudget) bySize.set(size.name, { size, maxBudget: budget });
  }
  return [...bySize.values()];
}

export const curveDesign: StudyDesign = {
  kind: 'curve',
  summary: 'one constant-LR run per size to its largest budget; every budget it passes is read off the run',
  check(def) {
    parseOptions(curveOptions, def);
    const schedule = (def.trainer.schedule ?? {}) as Record<string, unknown>;
    if (typeof schedule.cooldown === 'number' && schedule.cooldown > 0) {
      throw new Error('trainer.schedule.cooldown: the curve design trains at constant LR after the warmup and reads budgets along the run; remove the cooldown (or use design "separate")');
    }
  },
  plan(ctx) {
    // Read off the fitted training curve, a run needs no held-out evaluation at its reads (each costs as much as
    // a fifth of a small run's training: 8 λ levels × the shared set).
    return planAlongRuns(ctx, parseOptions(curveOptions, ctx.def), ctx.def.evaluation.loss === 'train-ema' ? { readFrom: 'train-ema' } : {});
  },
  measure(def, runs) {
    return measureAlongRuns(def, runs, 'run');
  },
};

/** One constant-LR run per size to its largest budget, read at every budget it passes (the curve and branches designs). */
function planAlongRuns(ctx: DesignPlanContext, o: { warmupSteps?: number | undefined; minReadSteps?: number | undefined }, extra: Partial<RunConfig>): RunConfig[] {
  const { def } = ctx;
  const budgets = [...new Set(ctx.grid.map((g) => g.budget))].sort((a, b) => a - b);
  const sizes = curveSizes(ctx.grid);
  const replicatedNames = ctx.replicated
    ? new Set([...ctx.replicated].map((k) => k.slice(0, k.lastIndexOf('@'))))
    : new Set(ctx.grid.map((g) => g.sizes[Math.floor((g.sizes.length - 1) / 2)]!.name));
  const shapes = sizes.flatMap(({ size, maxBudget }) => {
    const M = flopsPerToken(size, def.seqLen);
    return batchesFor(def, maxBudget / M).map((batch) => ({ size, maxBudget, M, batch, steps: Math.ceil(maxBudget / M / (batch * def.seqLen)) }));
  });
  const warmupSteps = o.warmupSteps ?? Math.max(1, Math.min(def.warmup.maxSteps, Math.round(def.warmup.fraction * Math.min(...shapes.map((s) => s.steps)))));
  const minRead = Math.max(def.minSteps, o.minReadSteps ?? 2 * warmupSteps);
  const trainer = { ...ctx.trainer, schedule: { ...((ctx.trainer.schedule ?? {}) as Record<string, unknown>), cooldown: 0 } };
  // Every size a budget lists is read at it: a window whose larger sizes are still warming up is not a window.
  for (const { budget, sizes: listed } of ctx.grid) {
    for (const size of listed) {
      // The batch is the size's run's (under the design-law rule, the one for its largest budget's tokens).
      for (const { M, batch } of shapes.filter((sh) => sh.size.name === size.name)) {
        const step = Math.ceil(budget / M / (batch * def.seqLen));
        if (step < minRead) {
          throw new Error(`budgets: ${size.name} is listed at ${budget.toExponential(2)} FLOPs but has trained only ${step} steps of ${batch}×${def.seqLen} tokens there, before the first read at step ${minRead} (twice the warmup, or minSteps); drop it from that budget, or lower design.warmupSteps/design.minReadSteps`);
        }
      }
    }
  }
  const out: RunConfig[] = [];
  for (const { size, maxBudget, M, batch, steps } of shapes) {
    const batchTokens = batch * def.seqLen;
    const reads = budgets.filter((b) => b <= maxBudget).map((budget) => ({ budget, step: Math.ceil(budget / M / batchTokens) })).filter((r) => r.step >= minRead);
    const seeds = replicatedNames.has(size.name) && def.replicates ? replicateSeeds(def) : [def.seed];
    for (const lr of lrsFor(def, batchTokens)) {
      for (const noise of ctx.noises) for (const seed of seeds) {
        out.push(runConfig({ ...ctx, trainer }, noise, size, maxBudget, batch, steps, lr, warmupSteps, seed, { reads, ...extra }));
      }
    }
  }
  return out;
}

/** Each read of each run as a grid point: off the run itself (curve) or off its cooldown branch (branches). */
function measureAlongRuns(def: StudyDefinition, runs: readonly FinishedRun[], source: 'run' | 'branch'): MeasuredStudy {
  const measure = def.evaluation.loss;
  const curveFit = source === 'run' ? parseOptions(curveOptions, def).curveFit : undefined;
  const reads: (MeasuredRun & { budget: number; tokens: number })[] = [];
  let missing = 0;
  for (const run of runs) {
    const c = run.config;
    const batchTokens = c.batchSequences * c.seqLen;
    let read: (step: number) => { loss: number; se: number | undefined } | undefined;
    if (source === 'run' && measure === 'train-ema') {
      // The paper's reading: L(S) = C + B·S^−b fitted to the training ELBO's EMA after the warmup (through the EMA
      // unless the study asks for the EMA taken as the loss).
      const pts = run.curve.filter((q) => q.step > c.warmupSteps && q.loss > 0);
      const logged = { tokens: pts.map((q) => q.tokens), loss: pts.map((q) => q.loss) };
      let model: ReturnType<typeof fitCurveModel> | undefined;
      try {
        model = curveFit === 'ema' ? fitCurveModel(logged) : fitCurveModelThroughEma({ ...logged, steps: pts.map((q) => q.step) }, { gamma: CURVE_EMA_GAMMA });
      } catch { model = undefined; }
      read = (step) => (model ? { loss: evalCurveModel(model, step * batchTokens), se: undefined } : undefined);
    } else {
      // A held-out evaluation recorded in the run's metrics: of its cooldown branch, or of the run at that step.
      const [key, seKey] = source === 'branch' ? [branchKey, branchSeKey] : [readKey, readSeKey];
      read = (step) => {
        const loss = run.metrics?.[key(step)];
        const se = run.metrics?.[seKey(step)];
        return loss !== undefined && Number.isFinite(loss) && loss > 0 ? { loss, se: se !== undefined && Number.isFinite(se) ? se : undefined } : undefined;
      };
    }
    for (const r of c.reads ?? []) {
      const v = read(r.step);
      if (!v) { missing++; continue; }
      // A read is a grid point of its budget: the run as it stood after spending that budget.
      const asPoint: FinishedRun = { ...run, config: { ...c, budgetFlops: r.budget, steps: r.step, tokens: r.step * batchTokens } };
      reads.push({ run: asPoint, loss: v.loss, standardError: v.se, budget: r.budget, tokens: r.step * batchTokens });
    }
  }
  const points = gridPoints(reads);
  const scalingRuns = points.map((p) => {
    const row = scalingRunOfPoint(p, 'held-out');
    const c = p.runs[0]!.run.config;
    // The replicate runs of one size are one trajectory: their averaged reads share the runs' noise.
    return { ...row, id: `${row.id}@${p.budget.toExponential(3)}`, trajectory: [c.noiseLabel, c.model.name, c.batchSequences, c.lr].join('|') };
  });
  return { measure, points, scalingRuns, budgets: def.budgets.map(budgetFlops), missingReads: missing };
}

const branchesOptions = curveOptions.omit({ curveFit: true }).extend({
  kind: z.literal('branches'),
  /** Share of each read's steps its cooldown branch takes (Hägele et al. 2024: 0.2). */
  fraction: z.number().gt(0).lt(1).default(0.2),
}).strict();

export const branchesDesign: StudyDesign = {
  kind: 'branches',
  summary: 'one constant-LR trunk per size; each budget it passes is read off a short cooldown branch ending there (a finished model)',
  check(def) {
    parseOptions(branchesOptions, def);
    if (def.evaluation.loss !== 'held-out') throw new Error('evaluation.loss: the branches design reads each budget as the held-out ELBO of its cooldown branch; set "held-out"');
    curveDesign.check({ ...def, design: { kind: 'curve' } });
  },
  plan(ctx) {
    const o = parseOptions(branchesOptions, ctx.def);
    return planAlongRuns(ctx, o, { branches: { fraction: o.fraction } });
  },
  measure(def, runs) {
    return measureAlongRuns(def, runs, 'branch');
  },
};

const DESIGNS = new Map<string, StudyDesign>([[separateDesign.kind, separateDesign], [curveDesign.kind, curveDesign], [branchesDesign.kind, branchesDesign]]);

/** The design a study names; an unknown kind is an error that lists the known ones. */
export function studyDesign(def: Pick<StudyDefinition, 'design'>): StudyDesign {
  const d = DESIGNS.get(def.design.kind);
  if (!d) throw new Error(`design.kind: unknown study design "${def.design.kind}"; use one of ${[...DESIGNS.keys()].join(', ')}`);
  return d;
}

/** The registered designs (kind and one-line summary), for help texts and docs. */
export function studyDesigns(): { kind: string; summary: string }[] {
  return [...DESIGNS.values()].map((d) => ({ kind: d.kind, summary: d.summary }));
}

/** A study's finished runs measured its design's way, grouped into grid points, as scaling-fit rows with the study's budgets. */
export function measuredPoints(results: StudyResults): MeasuredStudy {
  return studyDesign(results.definition).measure(results.definition, results.runs);
}

