// The port between the study engine and whatever trains a run. The engine (runners, queue, store)
// only sees this interface, so it is tested with a fast synthetic executor and run with the trainer.
import type { RunConfig } from './run-config.js';

/** The factor of the exponential moving average a run's loss curve is, per step (SPEC §5.2: γ = 0.96). */
export const CURVE_EMA_GAMMA = 0.96;

/** One point of a run's training-loss curve: the EMA (CURVE_EMA_GAMMA) of the per-step ELBO, nats per noisy token. */
export interface CurvePoint {
  readonly step: number;
  readonly tokens: number;
  readonly loss: number;
}

export interface RunProgress {
  readonly step: number;
  readonly steps: number;
  readonly loss: number;
  readonly tokensPerSec?: number;
}

export interface RunResult {
  /** Final training ELBO (nats/token), the number the scaling fits use (SPEC §5.3). */
  readonly finalLoss: number;
  /** Other final numbers (held-out ELBO, bits per byte, ...). */
  readonly metrics: Readonly<Record<string, number>>;
  readonly curve: readonly CurvePoint[];
  readonly wallSeconds: number;
}

export interface RunContext {
  readonly runId: string;
  /** A directory the executor owns for this run (checkpoints, metrics); resuming reuses it. */
  readonly runDir: string;
  readonly onProgress?: (p: RunProgress) => void;
  readonly signal?: AbortSignal;
}

export interface RunExecutor {
  readonly name: string;
  run(config: RunConfig, ctx: RunContext): Promise<RunResult>;
}
