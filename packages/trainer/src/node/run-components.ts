// What runTraining needs from outside the trainer: a model factory, a data opener and the noise
// objective factory. The trainer depends on none of @difflm/models or @difflm/data; the caller (CLI,
// study, a user script) wires them in.
import type { DiffusionObjective, NoiseSpec, TokenSpace } from '@difflm/noise';
import type { TrainableModel } from '../model-port.js';
import type { OptimizerRegistry } from '../optimizer-registry.js';
import type { TokenBatchSource } from '../token-batch-source.js';

export interface RunData {
  /** The token space of the prepared data (vocabulary size, mask and pad ids). */
  readonly tokens: TokenSpace;
  /** Average bytes of text per token, for bits per byte (1 for the byte tokenizer). */
  readonly bytesPerToken: number;
  /** A deterministic batch stream over one split. */
  batches(options: { split: 'train' | 'validation'; batchSize: number; seqLen: number; seed: number }): TokenBatchSource;
}

export interface RunComponents {
  /** Build a freshly initialised model from the config's `model` object (seeded). */
  createModel(model: Record<string, unknown>, options: { seed: number }): TrainableModel;
  /** Open the prepared data directory; throw a clear error when it is missing. */
  openData(data: { dir: string }): RunData | Promise<RunData>;
  /** The @difflm/noise objective factory (createObjective). */
  createNoiseObjective(spec: NoiseSpec, tokens: TokenSpace, options: Record<string, unknown>): DiffusionObjective;
  /** The optimizer types the config's `optimizer.kind` may name (default: the built-ins). */
  readonly optimizers?: OptimizerRegistry;
  /** p(λ) of the objective's λ schedule, for the ELBO grid weights (default σ′(λ), SPEC §1.2). */
  logSnrDensity?(objective: DiffusionObjective): ((logSnr: number) => number) | undefined;
}
