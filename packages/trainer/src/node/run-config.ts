// The fully resolved, JSON-serialisable description of one training run. Every field has a value after
// parsing (defaults filled in), and unknown fields are errors that name the field, so a config file
// with a typo never trains the wrong thing silently.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { OptimizerOptions } from '../trainer.js';

const positiveInt = z.number().int().positive();

const noiseSpec = z.strictObject({
  id: z.string().min(1),
  options: z.record(z.string(), z.unknown()).optional(),
});

const objective = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('diffusion'),
    /** Namespaced noise id plus its options, e.g. { id: 'difflm/masked' }. */
    noise: noiseSpec,
    /** Options of @difflm/noise's createObjective (augmentation, loss aggregation, ...). */
    objectiveOptions: z.record(z.string(), z.unknown()).default({}),
  }),
  z.strictObject({ kind: z.literal('autoregressive') }),
]);

/** Exactly one of steps, tokens or FLOPs; every other shape gets one message that says so (not zod's "Invalid input"). */
const budget = z.unknown().superRefine((b, ctx) => {
  const fix = 'give exactly one of { "steps": <integer ≥ 1> }, { "tokens": <number > 0> } or { "flops": <number > 0> }';
  if (typeof b !== 'object' || b === null || Array.isArray(b)) { ctx.addIssue({ code: 'custom', message: `must be an object: ${fix}` }); return; }
  const keys = Object.keys(b);
  const kinds = new Set(['steps', 'tokens', 'flops']);
  const known = keys.filter((k) => kinds.has(k));
  const unknown = keys.filter((k) => !kinds.has(k));
  if (unknown.length) { ctx.addIssue({ code: 'custom', message: `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}: ${fix}` }); return; }
  if (known.length !== 1) { ctx.addIssue({ code: 'custom', message: `${known.length ? `has ${known.join(' and ')}` : 'is empty'}: ${fix}` }); return; }
  const k = known[0]!, v = (b as Record<string, unknown>)[k];
  const ok = typeof v === 'number' && Number.isFinite(v) && v > 0 && (k !== 'steps' || Number.isInteger(v));
  if (!ok) ctx.addIssue({ code: 'custom', path: [k], message: `must be ${k === 'steps' ? 'an integer ≥ 1' : 'a number > 0'}, got ${JSON.stringify(v)}` });
}).transform((b) => b as { steps: number } | { tokens: number } | { flops: number });

export const trainRunConfigSchema = z.strictObject({
  /** The model architecture, passed to the model factory (e.g. @difflm/models resolveModelConfig input). */
  model: z.record(z.string(), z.unknown()),
  objective,
  optimizer: z.strictObject({
    /** An optimizer type's id ("laprop", "adamw", or a plug-in's "<namespace>/<name>"), resolved by the optimizer registry. */
    kind: z.string().regex(/^([a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/i, 'must be an optimizer id such as "laprop", "adamw" or "acme/lion"').default('laprop'),
    /** Options of the optimizer type, checked by its parseOptions. */
    options: z.record(z.string(), z.unknown()).optional(),
    beta1: z.number().default(0.9),
    /** null = SPEC §4 default: 0.99, or 0.98 for ≥ 256 sequences per batch. */
    beta2: z.number().nullable().default(null),
    /** null = SPEC §4 default 1e−8/(d·L). */
    epsilon: z.number().positive().nullable().default(null),
    /**
     * Decoupled weight decay λ (the update subtracts η·λ·θ; CompleteP scales it by d for the bulk group). Above 1 the
     * decay outruns the gradient within a few steps and the run collapses, so larger values are refused.
     */
    weightDecay: z.number().min(0).max(1, 'must be ≤ 1 (decoupled: each step shrinks θ by η·λ; the paper uses 0, AdamW runs typically 0.01–0.1)').default(0),
    auxLrScale: z.number().positive().default(0.02),
  }).prefault({}),
  schedule: z.strictObject({
    peakLr: z.number().positive().default(0.3),
    warmupSteps: z.number().int().min(0).default(2000),
    cooldown: z.number().min(0).default(0),
  }).prefault({}),
  budget,
  batchSize: positiveInt,
  seqLen: positiveInt,
  gradAccumSteps: positiveInt.default(1),
  clipGradNorm: z.number().positive().nullable().default(null),
  /** A prepared token-shard directory (`difflm data prepare`). */
  data: z.strictObject({ dir: z.string().min(1) }),
  seed: z.number().int().default(0),
  /**
   * Seeds of the run's three random streams, each defaulting to what `seed` gives it: `init` the model's
   * initialisation (seed), `data` the order of the training windows (seed), `noise` the corruption draws (seed + 1).
   * Set one to vary the others alone (which stream carries a run's seed-to-seed spread).
   */
  seeds: z.strictObject({ init: z.number().int().optional(), data: z.number().int().optional(), noise: z.number().int().optional() }).optional(),
  eval: z.strictObject({
    /** Evaluate every N steps (0 = only at the end). */
    every: z.number().int().min(0).default(0),
    /** Also evaluate at exactly these steps (a study reads each budget's loss off one run at these steps). */
    atSteps: z.array(positiveInt).max(10000).default([]),
    /**
     * Cooldown branches (Hägele et al. 2024): for each target step T, branch off the run at step T − ⌈fraction·T⌉,
     * train the rest of the way to T with the LR falling as 1 − √(progress) to 0, evaluate that finished model on the
     * held-out set (branches.jsonl), then go back to the run as it was. The run itself is not changed.
     */
    branches: z.strictObject({ atSteps: z.array(positiveInt).max(10000).default([]), fraction: z.number().gt(0).lt(1).default(0.2) }).prefault({}),
    /** Held-out batches per evaluation (0 = no evaluation). */
    batches: z.number().int().min(0).default(4),
    batchSize: positiveInt.nullable().default(null),
    /** λ levels of the ELBO grid (diffusion only). */
    levels: positiveInt.default(16),
    seed: z.number().int().default(1234),
  }).prefault({}),
  /**
   * The noise plug-in modules the run was trained with (a package name or an absolute path, and the package's
   * version), so `difflm eval`/`sample`/`train --resume` rebuild the same registry from the run directory alone.
   * Absent when the run uses built-ins only. The trainer records it; the composition root (@difflm/compose) loads it.
   */
  plugins: z.array(z.strictObject({ module: z.string().min(1), version: z.string().nullable() })).max(64).optional(),
  /** Write a checkpoint every N steps (and always at the end). */
  checkpointEvery: positiveInt.default(100),
  /** Checkpoints kept on disk (the newest ones). */
  keepCheckpoints: positiveInt.default(2),
}).superRefine((c, ctx) => {
  // Sizes that cannot work are refused here, before any data or model is touched, with the limit and the fix.
  const tokens = c.batchSize * c.seqLen;
  if (c.seqLen > MAX_SEQ_LEN) ctx.addIssue({ code: 'custom', path: ['seqLen'], message: `${c.seqLen} exceeds ${MAX_SEQ_LEN} tokens per sequence` });
  else if (tokens > MAX_STEP_TOKENS) ctx.addIssue({ code: 'custom', path: ['batchSize'], message: `batchSize × seqLen = ${tokens} tokens exceeds ${MAX_STEP_TOKENS} per micro-batch; use gradAccumSteps for larger batches` });
  const evalTokens = (c.eval.batchSize ?? c.batchSize) * c.seqLen;
  if (evalTokens > MAX_STEP_TOKENS) ctx.addIssue({ code: 'custom', path: ['eval', 'batchSize'], message: `eval.batchSize × seqLen = ${evalTokens} tokens exceeds ${MAX_STEP_TOKENS}; use more, smaller batches` });
  if (c.eval.batches > MAX_EVAL_BATCHES) ctx.addIssue({ code: 'custom', path: ['eval', 'batches'], message: `${c.eval.batches} exceeds ${MAX_EVAL_BATCHES} held-out batches per evaluation; a larger eval.batchSize gives the same tokens in fewer batches` });
  if (c.eval.levels > MAX_EVAL_LEVELS) ctx.addIssue({ code: 'custom', path: ['eval', 'levels'], message: `${c.eval.levels} exceeds ${MAX_EVAL_LEVELS} λ levels` });
});

/** Limits of one run (see the superRefine above); far beyond what a CPU trains, and what a GPU holds. */
export const MAX_SEQ_LEN = 65_536;
export const MAX_STEP_TOKENS = 1 << 20;
export const MAX_EVAL_BATCHES = 10_000;
export const MAX_EVAL_LEVELS = 1024;

/** The resolved config (every default filled in). */
export type TrainRunConfig = z.output<typeof trainRunConfigSchema>;
/** What a caller may write (defaults optional). */
export type TrainRunConfigInput = z.input<typeof trainRunConfigSchema>;

/** Validate and resolve; throws one Error listing every problem by its path ("optimizer.kind", "unknown field 'foo'"). */
export function parseTrainRunConfig(input: unknown): TrainRunConfig {
  const r = trainRunConfigSchema.safeParse(input);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => {
    const at = i.path.length ? i.path.join('.') : '(top level)';
    if (i.code === 'unrecognized_keys') return `${at}: unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `'${k}'`).join(', ')} (remove or rename it)`;
    return `${at}: ${i.message}`;
  });
  throw new Error(`invalid training config:\n  ${lines.join('\n  ')}`);
}

/**
 * The config stored in a run directory (config.json), read and checked; every failure is one line naming the file
 * and what to do (`damaged` says what the reader leaves for the user to do: restore the file, start anew, …).
 */
export function readStoredRunConfig(path: string, fix: string): TrainRunConfig {
  let stored: unknown;
  try { stored = JSON.parse(readFileSync(path, 'utf8')); } catch (e) { throw new Error(`${path} is not valid JSON (${(e as Error).message.split('\n')[0]}): the run directory is damaged; ${fix}`); }
  try {
    return parseTrainRunConfig(stored);
  } catch (e) {
    const why = (e as Error).message.split('\n').map((l) => l.trim()).filter(Boolean).slice(1).join('; ');
    throw new Error(`${path} is not a valid run config (${why}): the run directory was edited or damaged; ${fix}`);
  }
}

/** The trainer's optimizer options for a run config (unset β₂ and ε keep the optimizer type's defaults). */
export function optimizerOptionsOf(o: TrainRunConfig['optimizer']): OptimizerOptions {
  return {
    kind: o.kind, beta1: o.beta1, weightDecay: o.weightDecay, auxLrScale: o.auxLrScale,
    ...(o.options ? { options: o.options } : {}),
    ...(o.beta2 != null ? { beta2: o.beta2 } : {}),
    ...(o.epsilon != null ? { epsilon: o.epsilon } : {}),
  };
}
