// Self-attention of the paper's block (SPEC §3): fused q|k|v projection, QK-norm over the full d-dim
// q and k before the head split, RoPE, scale 1/√d_head, logit soft-cap c·tanh(s/c), and a learned
// attention sink (k_bias, v_bias ∈ R^{H×d_head}) prepended as an always-visible key/value.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, Tensor4D, Variable } from '@tensorflow/tfjs-core';
import { matMul } from './matmul.js';
import { RMS_NORM_EPS, rmsNorm } from './rms-norm.js';
import { applyRope } from './rope.js';
import { fusedAttention, fusedKernelActive, fusedQkNormRope } from './fused.js';

export interface AttentionParams {
  /** [d, 3d]: columns are q | k | v. */
  readonly wqkv: Variable;
  /** [2, d]: QK-norm gains of q (row 0) and k (row 1). */
  readonly qkNorm: Variable;
  /** [H, d_head] sink key and value. */
  readonly sinkK: Variable;
  readonly sinkV: Variable;
  /** [d, d] output projection. */
  readonly wo: Variable;
}

export interface AttentionContext {
  readonly batch: number;
  readonly seqLen: number;
  readonly nHeads: number;
  readonly softCap: number;
  /** RoPE tables for the first seqLen positions, [N, 1, d_head]. */
  readonly cos: Tensor;
  readonly sin: Tensor;
  /** Additive logit bias [B|1, 1, N, N+1] (0 = visible, large negative = hidden; column 0 is the sink), or null. */
  readonly bias: Tensor | null;
}

/** Attention output (before the residual scale) for normalised input x [B·N, d] → [B·N, d]. */
export function attention(x: Tensor2D, p: AttentionParams, ctx: AttentionContext): Tensor2D {
  const { batch: B, seqLen: N, nHeads: H } = ctx;
  const d = x.shape[1];
  const dh = d / H;
  const qkv = matMul<Tensor2D>(x, p.wqkv); // [B·N, 3d]
  if (fusedKernelActive('attention')) {
    // QK-norm + RoPE, then the attention core, each one kernel; q, k and v stay packed [B·N, 3d] throughout.
    const rope = { cos: tf.reshape(ctx.cos, [N, dh]), sin: tf.reshape(ctx.sin, [N, dh]) };
    const qkvRot = fusedQkNormRope(qkv, p.qkNorm, rope.cos, rope.sin, { nHeads: H, eps: RMS_NORM_EPS }); // [B·N, 3d]
    const attrs = { nHeads: H, scale: 1 / Math.sqrt(dh), softCap: ctx.softCap };
    const out = fusedAttention(tf.reshape(qkvRot, [B, N, 3 * H, dh]), p.sinkK, p.sinkV, ctx.bias, attrs); // [B, N, H, dh]
    return matMul<Tensor2D>(tf.reshape(out, [B * N, d]), p.wo);
  }
  const [qkFlat, vFlat] = tf.split(qkv, [2 * d, d], 1) as [Tensor2D, Tensor2D]; // [B·N, 2d], [B·N, d]
  const qkNormed = rmsNorm(tf.reshape(qkFlat, [B * N, 2, d]), p.qkNorm); // [B·N, 2, d]
  const qkRot = applyRope(tf.reshape(qkNormed, [B, N, 2 * H, dh]), ctx.cos, ctx.sin); // [B, N, 2H, dh]
  const [q, k] = tf.split(qkRot, [H, H], 2); // [B, N, H, dh] each
  const qh = tf.transpose(q as Tensor, [0, 2, 1, 3]); // [B, H, N, dh]
  const kT = tf.transpose(k as Tensor, [0, 2, 3, 1]); // [B, H, dh, N]
  const vh = tf.transpose(tf.reshape(vFlat, [B, N, H, dh]), [0, 2, 1, 3]); // [B, H, N, dh]

  const scores = matMul<Tensor4D>(qh, kT); // [B, H, N, N]
  const sinkScores = tf.sum(tf.mul(qh, tf.reshape(p.sinkK, [1, H, 1, dh])), -1, true); // [B, H, N, 1]
  const raw = tf.concat([sinkScores, scores], -1); // [B, H, N, N+1]
  // Scale 1/√d_head folded into the soft-cap c·tanh(s/c) (SPEC §3).
  let logits = tf.mul(tf.tanh(tf.mul(raw, 1 / (ctx.softCap * Math.sqrt(dh)))), ctx.softCap); // [B, H, N, N+1]
  if (ctx.bias) logits = tf.add(logits, ctx.bias);
  const probs = tf.softmax(logits, -1); // [B, H, N, N+1], fp32
  const [pSink, pKeys] = tf.split(probs, [1, N], -1); // [B, H, N, 1], [B, H, N, N]
  const out = tf.add(matMul(pKeys as Tensor, vh), tf.mul(pSink as Tensor, tf.reshape(p.sinkV, [1, H, 1, dh]))); // [B, H, N, dh]
  const merged = tf.reshape(tf.transpose(out, [0, 2, 1, 3]), [B * N, d]); // [B·N, d]
  return matMul<Tensor2D>(merged, p.wo); // [B·N, d]
}

/** Logit bias for softmax: a hidden key gets this (exp underflows to exactly 0 after the soft-cap). */
export const HIDDEN_LOGIT = -1e9;

/**
 * Combine the causal rule and an optional attention mask (float [B, N, N], 1 = may attend) into the
 * additive bias [B|1, 1, N, N+1] with a visible sink column, or null when every key is visible.
 */
export function attentionBias(seqLen: number, causal: boolean, mask: Tensor | null | undefined): Tensor | null {
  if (!causal && !mask) return null;
  const N = seqLen;
  let allowed: Tensor;
  if (causal) {
    const tri = new Float32Array(N * N);
    for (let i = 0; i < N; i++) for (let j = 0; j <= i; j++) tri[i * N + j] = 1;
    const causalMask = tf.tensor3d(tri, [1, N, N]); // [1, N, N]
    allowed = mask ? tf.mul(causalMask, mask) : causalMask; // [B|1, N, N]
  } else {
    allowed = mask as Tensor; // [B, N, N]
  }
  const b = allowed.shape[0] as number;
  const bias = tf.mul(tf.sub(1, allowed), HIDDEN_LOGIT); // [B|1, N, N]
  const withSink = tf.concat([tf.zeros([b, N, 1]), bias], -1); // [B|1, N, N+1]
  return tf.expandDims(withSink, 1); // [B|1, 1, N, N+1]
}
