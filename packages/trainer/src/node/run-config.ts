// The fully resolved, JSON-serialisable description of one training run. Every field has a value after
// parsing (defaults filled in), and unknown fields are errors that name the field, so a config file
// with a typo never trains the wrong thing silently.
import { z } from 'zod';

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

const budget = z.union([
  z.strictObject({ steps: positiveInt }),
  z.strictObject({ tokens: z.number().positive() }),
  z.strictObject({ flops: z.number().positive() }),
]);

export const trainRunConfigSchema = z.strictObject({
  /** The model architecture, passed to the model factory (e.g. @difflm/models resolveModelConfig input). */
  model: z.record(z.string(), z.unknown()),
  objective,
  optimizer: z.strictObject({
    kind: z.enum(['laprop', 'adamw']).default('laprop'),
    beta1: z.number().default(0.9),
    /** null = SPEC §4 default: 0.99, or 0.98 for ≥ 256 sequences per batch. */
    beta2: z.number().nullable().default(null),
    /** null = SPEC §4 default 1e−8/(d·L). */
    epsilon: z.number().positive().nullable().default(null),
    weightDecay: z.number().min(0).default(0),
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
  eval: z.strictObject({
    /** Evaluate every N steps (0 = only at the end). */
    every: z.number().int().min(0).default(0),
    /** Held-out batches per evaluation (0 = no evaluation). */
    batches: z.number().int().min(0).default(4),
    batchSize: positiveInt.nullable().default(null),
    /** λ levels of the ELBO grid (diffusion only). */
    levels: positiveInt.default(16),
    seed: z.number().int().default(1234),
  }).prefault({}),
  /** Write a checkpoint every N steps (and always at the end). */
  checkpointEvery: positiveInt.default(100),
  /** Checkpoints kept on disk (the newest ones). */
  keepCheckpoints: positiveInt.default(2),
});

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
