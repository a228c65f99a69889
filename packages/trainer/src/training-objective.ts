// What the trainer optimises, as a value: a diffusion objective (any @difflm/noise process) or the
// autoregressive baseline. The loop never branches on which one it holds.
import type { Scalar, Tensor2D } from '@tensorflow/tfjs-core';
import type { Rng } from '@difflm/noise';
import type { TrainableModel } from './model-port.js';
import type { CompletionToScore, ScoreCompletionsOptions } from './score-completions.js';

/** Scalars of one batch, owned by the caller. */
export interface ObjectiveTerms {
  /** The differentiable training loss. */
  readonly loss: Scalar;
  /** The likelihood metric in nats per counted token: the (importance-weighted) ELBO or the cross-entropy. */
  readonly nats: Scalar;
  /** Number of tokens the metric averages over. */
  readonly tokens: Scalar;
}

/** A held-out estimate for one batch, in plain numbers. */
export interface HeldOutEstimate {
  /** Estimated negative log-likelihood bound in nats per token. */
  readonly natsPerToken: number;
  /** Tokens the estimate covers. */
  readonly tokens: number;
}

export interface TrainingObjective {
  /** 'diffusion' or 'autoregressive' (informational; the loop never branches on it). */
  readonly kind: string;
  /** Whether the model must be causal (autoregressive) or bidirectional (diffusion). */
  readonly causal: boolean;
  /**
   * Training terms for clean tokens x (int32 [B, N]); randomness from rng only. Runs inside
   * tf.variableGrads, so intermediate tensors are left to the caller's scope.
   */
  terms(model: TrainableModel, x: Tensor2D, rng: Rng): ObjectiveTerms;
  /** Held-out estimate of −log p(x) per token for one batch (no gradients). */
  evaluate(model: TrainableModel, x: Tensor2D, rng: Rng): HeldOutEstimate;
  /**
   * Optional: the same estimate, reading its results asynchronously (the same numbers; what a backend that cannot read
   * synchronously, WebGPU in Node, needs). evaluateHeldOutAsync uses it when present.
   */
  evaluateAsync?(model: TrainableModel, x: Tensor2D, rng: Rng): Promise<HeldOutEstimate>;
  /**
   * −log p(completion | prompt) in nats for each item, summed over the completion's tokens: exact for the
   * autoregressive baseline, the ELBO for diffusion (score-completions.ts). The same seed gives the same scores.
   */
  scoreCompletions(model: TrainableModel, items: readonly CompletionToScore[], options: ScoreCompletionsOptions): Promise<Float64Array>;
}
