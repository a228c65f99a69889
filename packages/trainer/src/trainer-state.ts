// A complete, plain-data snapshot of a training run: weights, optimizer moments, counters, data
// position and RNG state. Restoring it continues the run exactly where it stopped.
import type { RngState } from '@difflm/noise';
import type { OptimizerState } from './optimizer.js';

export interface TensorData {
  readonly shape: number[];
  readonly values: Float32Array;
}

export interface TrainerState {
  readonly version: 1;
  /** Optimizer steps completed. */
  readonly step: number;
  readonly tokens: number;
  readonly flops: number;
  readonly rng: RngState;
  /** The data source's getPosition(). */
  readonly data: unknown;
  readonly optimizer: OptimizerState;
  /** Model weights by parameter name. */
  readonly params: Record<string, TensorData>;
}
