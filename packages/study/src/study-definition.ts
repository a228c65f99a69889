// The study file format (JSON), validated with zod. A study is a grid:
// noise types × model sizes × compute budgets (IsoFLOP) × batch sizes × learning rates.
import { z } from 'zod';

const positive = z.number().finite().positive();
const posInt = z.number().int().positive();

const noiseEntry = z.union([
  z.string().min(1),
  z.object({ id: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'a noise id is "<namespace>/<name>", e.g. "difflm/hybrid"'), options: z.record(z.string(), z.unknown()).optional(), label: z.string().min(1).optional() }).strict(),
]);

const modelEntry = z.union([
  z.string().min(1),
  z.object({ layers: posInt, width: posInt, heads: posInt.optional() }).strict(),
]);

const batchSchema = z.union([
  z.object({ rule: z.literal('design-law'), minSequences: posInt.default(1), maxSequences: posInt.default(4096) }).strict(),
  z.object({ sequences: z.array(posInt).min(1) }).strict(),
]);

const lrSchema = z.union([
  z.object({
    rule: z.literal('design-law'),
    reference: z.object({ lr: positive, batchTokens: positive }).strict().optional(),
    exponent: z.number().finite().optional(),
    multipliers: z.array(positive).min(1).optional(),
  }).strict(),
  z.object({ values: z.array(positive).min(1) }).strict(),
]);

/** A budget: FLOPs alone (every listed model), or FLOPs with the sizes trained at it (an IsoFLOP window). */
const budgetEntry = z.union([
  positive,
  z.object({ flops: positive, models: z.array(modelEntry).min(1, 'list at least one model size for this budget') }).strict(),
]);

/**
 * How each run's loss is measured for the fits (SPEC §5.3 uses the final training ELBO; careful studies fit
 * held-out loss on one evaluation set shared by every run, Hoffmann et al. 2022). Every run of a study is
 * evaluated on the same held-out sequences with the same λ grid and the same noise draws (common random
 * numbers: fixed batch size, batches and seed), so differences between runs are the models'.
 */
const evaluationSchema = z.object({
  /** 'held-out': the final held-out ELBO (default); 'train-ema': the final training ELBO, EMA γ = 0.96 (the paper's choice). */
  loss: z.enum(['held-out', 'train-ema']).default('held-out'),
  /** Held-out batches per evaluation. */
  batches: posInt.default(128),
  /** Sequences per held-out batch (the same for every run, whatever its training batch). */
  batchSize: posInt.default(16),
  /** λ levels of the quadrature (a linear α grid over [−9, 9], SPEC §2.3). */
  levels: posInt.default(8),
  seed: z.number().int().nonnegative().default(1234),
}).strict();

/** Repeat grid points with other seeds to measure the run-to-run spread (the study's noise floor). */
const replicatesSchema = z.object({
  /** Runs per replicated grid point, the original included (seeds: the study's seed, +1, +2, ...). */
  count: z.number().int().min(2).max(32),
  /** The grid points to repeat: model name and budget FLOPs. Default: the middle size of every budget. */
  points: z.array(z.object({ model: z.string().min(1), budget: positive }).strict()).min(1).optional(),
}).strict();

/** Prior of the compute-optimal size, M*(C) = A·C^alpha (FLOPs per token), used by --dry-run to check the grid. */
const priorSchema = z.object({
  flopsPerToken: z.object({ A: positive, alpha: z.number().finite() }).strict(),
  /** The loss law L(M, D) = E + A·M^−alpha + B·D^−beta expected at this scale (M FLOPs per token), for --dry-run's precision prediction. */
  law: z.object({ E: positive, A: positive, alpha: positive, B: positive, beta: positive }).strict().optional(),
  /** The run noise expected per noise type (noise-structure.ts): sd of ln L, its share persisting along a run, its share common to a seed. */
  noise: z.record(z.string(), z.object({ spread: z.number().min(0), persistence: z.number().min(0).max(1), shared: z.number().min(0).max(1) }).strict()).optional(),
}).strict();

/**
 * How the study spends its compute (ADR 0006): `separate` trains one run per (size, budget) point and fits each
 * run's final loss; `curve` trains one constant-LR run per size to the largest budget it serves and reads every
 * budget's loss off it. The kind names a design of the registry (study-designs.ts), which checks the options.
 */
const designSchema = z.looseObject({ kind: z.string().min(1) });

export const studyDefinitionSchema = z.object({
  name: z.string().max(100, 'a study name has at most 100 characters').regex(/^[\w.-]+$/, 'a study name may use letters, digits, ".", "_" and "-" only (it names a directory)')
    .refine((n) => !/^\.+$/.test(n), 'a study name may not be "." or ".." (it names a directory under the studies folder)'),
  description: z.string().optional(),
  noise: z.array(noiseEntry).min(1, 'list at least one noise type'),
  /** Model sizes trained at every budget that lists none of its own. */
  models: z.array(modelEntry).default([]),
  /** Context length N of every run (tokens per sequence). */
  seqLen: posInt,
  /** IsoFLOP budgets C in non-embedding FLOPs (Method 1, SPEC §3), each optionally with its own sizes. */
  budgets: z.array(budgetEntry).min(1, 'list at least one compute budget (FLOPs)'),
  batch: batchSchema.default({ rule: 'design-law', minSequences: 1, maxSequences: 4096 }),
  lr: lrSchema.default({ rule: 'design-law' }),
  /** Warmup as a fraction of the steps, capped at maxSteps (SPEC §4: 2000 steps). */
  warmup: z.object({ fraction: z.number().min(0).max(1).default(0.1), maxSteps: z.number().int().nonnegative().default(2000) }).strict().default({ fraction: 0.1, maxSteps: 2000 }),
  /** A run shorter than this many optimizer steps is an error (the budget is too small for the model). */
  minSteps: posInt.default(10),
  data: z.object({ corpus: z.string().min(1).default('sotu'), tokenizer: z.string().min(1).default('byte') }).strict().default({ corpus: 'sotu', tokenizer: 'byte' }),
  /** Extra trainer settings passed through to every run's config (optimizer, eval cadence, ...). */
  trainer: z.record(z.string(), z.unknown()).default({}),
  seed: z.number().int().nonnegative().default(0),
  evaluation: evaluationSchema.prefault({}),
  replicates: replicatesSchema.optional(),
  design: designSchema.default({ kind: 'separate' }),
  /**
   * How each run draws its initial weights from its seed (@difflm/models `init`): 'nested' makes the runs of one seed
   * share the entries their widths have in common, so more of a seed's noise is common to every size.
   */
  init: z.enum(['independent', 'nested']).default('independent'),
  prior: priorSchema.optional(),
  /**
   * Noise plug-in modules the study's noise types come from: package names, or paths relative to the study file.
   * The study command loads them to plan, its run processes load them to train, and each run directory records them.
   */
  plugins: z.array(z.string().min(1)).max(64).default([]),
}).strict();

/** A budget's FLOPs. */
export function budgetFlops(b: StudyDefinition['budgets'][number]): number {
  return typeof b === 'number' ? b : b.flops;
}

export type StudyDefinitionInput = z.input<typeof studyDefinitionSchema>;
export type StudyDefinition = z.output<typeof studyDefinitionSchema>;

/** Validate a parsed study; the error lists every problem with its path. */
export function parseStudyDefinition(value: unknown, source = 'study'): StudyDefinition {
  const r = studyDefinitionSchema.safeParse(value);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  - ${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`);
    throw new Error(`${source} is not a valid study definition:\n${lines.join('\n')}`);
  }
  return r.data;
}

/** Parse study JSON text (a file's content), with the JSON error position on a syntax error. */
export function parseStudyJson(text: string, source = 'study file'): StudyDefinition {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source} is not valid JSON: ${(e as Error).message}`);
  }
  return parseStudyDefinition(value, source);
}
