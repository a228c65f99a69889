// The trainer's structural view of a model (STYLE: trainer sees models through a port; @difflm/models
// is only a devDependency). Any object of this shape trains: the paper's transformer, the causal
// baseline, or a user's own model.
import type { Tensor2D, Tensor3D, Variable } from '@tensorflow/tfjs-core';

/** CompleteP parameter groups (SPEC §4): bulk matrices get η/d, aux parameters 0.02·η. */
export type ParamGroup = 'bulk' | 'aux';

export interface NamedVariable {
  readonly name: string;
  readonly group: ParamGroup;
  readonly variable: Variable;
}

export interface ModelShape {
  readonly vocabSize: number;
  readonly seqLen: number;
  readonly dModel: number;
  readonly nLayers: number;
  readonly nHeads: number;
  /** true for the autoregressive baseline (causal attention, next-token cross-entropy). */
  readonly causal: boolean;
}

export interface TrainableModel {
  readonly shape: ModelShape;
  /** Every trainable variable with its name and parameter group, in a stable order. */
  readonly params: readonly NamedVariable[];
  /**
   * Logits for tokens (int32 [B, N]) → float32 [B, N, V]. attentionMask (float32 [B, N, N], 1 = may
   * attend) is combined with the model's own causal rule when given. Inputs borrowed; output owned by
   * the caller. Must be differentiable w.r.t. params inside tf.variableGrads.
   */
  apply(tokens: Tensor2D, attentionMask?: Tensor3D | null): Tensor3D;
  /** Non-embedding FLOPs per token for training compute accounting (SPEC §3, Method 1). */
  flopsPerToken(): number;
  /**
   * Optional, for sampling: keys and values of a clean prefix int32 [B, P] attending to itself, and logits [B, M, V]
   * of a block placed after it (the paper's transformer has both; samplers reuse the prefix across steps).
   */
  encodePrefix?(tokens: Tensor2D): { dispose(): void };
  applyAfterPrefix?(cache: { dispose(): void }, tokens: Tensor2D): Tensor3D;
  dispose(): void;
}
