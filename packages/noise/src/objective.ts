// The trainer-facing surface of @difflm/noise (agreed with @difflm/trainer and @difflm/study).
// The noise package implements these; the trainer only calls them. Shapes: B = batch, N = sequence
// length, V = vocabulary. Tensor ownership: inputs are borrowed, returned tensors belong to the caller.
import type { Scalar, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import type { Rng } from './random.js';

/** A JSON-serialisable name for a noise process: a namespaced id plus its options. */
export interface NoiseSpec<Id extends string = string, Options = Record<string, unknown>> {
  readonly id: Id;
  readonly options?: Options;
}

/** The token space a process works on. */
export interface TokenSpace {
  readonly vocabSize: number;
  /** Id of the mask token; null when the vocabulary has none (then masked noise is an error). */
  readonly maskId: number | null;
  /** Id of the empty/pad token used for empty-token insertion; null disables insertion. */
  readonly padId: number | null;
}

/** One corrupted training batch (SPEC §1.3, §1.5). Call dispose() when done. */
export interface CorruptedBatch {
  /** Clean labels after empty-token insertion, int32 [B, N]. */
  readonly x0: Tensor2D;
  /** Noisy model input z_t, int32 [B, N]. */
  readonly zt: Tensor2D;
  /** log-SNR λ per token, float32 [B, N] (prompt tokens carry the clean value). */
  readonly logSnr: Tensor2D;
  /** 1 where a token counts in the loss (noisy), 0 for clean prompt tokens, float32 [B, N]. */
  readonly noiseMask: Tensor2D;
  /** Attention rule for prompt conditioning, 1 = query may attend key, float32 [B, N, N]; null = full attention. */
  readonly attentionMask: Tensor3D | null;
  dispose(): void;
}

/** Losses of one batch. `loss` is the differentiable training surrogate; the rest are metrics. */
export interface DiffusionLoss {
  /** Training objective (SPEC §1.4: unweighted ELBO, sum or mean over noisy tokens). */
  readonly loss: Scalar;
  /** True ELBO in nats per noisy token (importance-weighted by 1/p(λ), clipped at 1e6). */
  readonly elbo: Scalar;
  /** Mean KL term per noisy token. */
  readonly kl: Scalar;
  /** Mean Itakura–Saito term per noisy token. */
  readonly is: Scalar;
  /** Number of noisy tokens in the batch. */
  readonly numNoisy: Scalar;
}

/** The trainer's view of a diffusion objective: corrupt a clean batch, score logits against it. */
export interface DiffusionObjective {
  readonly spec: NoiseSpec;
  readonly tokens: TokenSpace;
  /** Draw a corrupted batch from clean tokens x (int32 [B, N]); randomness comes from rng only. */
  corrupt(x: Tensor2D, rng: Rng): CorruptedBatch;
  /** Corrupt with a fixed λ for every token and no augmentation (evaluation on a λ grid). */
  corruptAt(x: Tensor2D, logSnr: number, rng: Rng): CorruptedBatch;
  /** The loss of logits (float32 [B, N, V]) on a corrupted batch. Differentiable w.r.t. logits. */
  loss(logits: Tensor3D, batch: CorruptedBatch): DiffusionLoss;
}
