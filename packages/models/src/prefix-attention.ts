// Attention of a block of positions that follows a clean prefix whose keys and values were computed once
// (block-wise sampling: the prefix attends only to itself, so its keys and values stay the same for every
// denoising step of the block). The composite graph of attention.ts, with the block's queries at positions
// offset…offset+M−1 attending to the prefix's cached keys and values and to the block's own.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import { HIDDEN_LOGIT, type AttentionParams } from './attention.js';
import { matMul } from './matmul.js';
import { rmsNorm } from './rms-norm.js';
import { applyRope } from './rope.js';

/** Rotated keys and values of one layer, [B, H, P, d_head] each. */
export interface LayerKeysValues {
  readonly k: Tensor4D;
  readonly v: Tensor4D;
}

export interface PrefixAttentionContext {
  readonly batch: number;
  /** Positions in the block. */
  readonly length: number;
  readonly nHeads: number;
  readonly softCap: number;
  /** RoPE tables of the block's positions, [M, 1, d_head]. */
  readonly cos: Tensor;
  readonly sin: Tensor;
  /** Additive logit bias [1, 1, M, P+M+1] (sink column first), or null when every key is visible. */
  readonly bias: Tensor | null;
}

/**
 * Attention output (before the residual scale) for the block's normalised input x [B·M, d], given the
 * prefix's keys and values (null: no prefix); also returns the block's own rotated keys and values.
 */
export function attentionAfterPrefix(x: Tensor2D, p: AttentionParams, ctx: PrefixAttentionContext, past: LayerKeysValues | null): { out: Tensor2D } & LayerKeysValues {
  const { batch: B, length: M, nHeads: H } = ctx;
  const d = x.shape[1];
  const dh = d / H;
  const qkv = matMul<Tensor2D>(x, p.wqkv); // [B·M, 3d]
  const [qkFlat, vFlat] = tf.split(qkv, [2 * d, d], 1) as [Tensor2D, Tensor2D]; // [B·M, 2d], [B·M, d]
  const qkNormed = rmsNorm(tf.reshape(qkFlat, [B * M, 2, d]), p.qkNorm); // [B·M, 2, d]
  const qkRot = applyRope(tf.reshape(qkNormed, [B, M, 2 * H, dh]), ctx.cos, ctx.sin); // [B, M, 2H, dh]
  const [q, k] = tf.split(qkRot, [H, H], 2); // [B, M, H, dh] each
  const qh = tf.transpose(q as Tensor, [0, 2, 1, 3]); // [B, H, M, dh]
  const kh = tf.transpose(k as Tensor, [0, 2, 1, 3]) as Tensor4D; // [B, H, M, dh]
  const vh = tf.transpose(tf.reshape(vFlat, [B, M, H, dh]), [0, 2, 1, 3]) as Tensor4D; // [B, H, M, dh]
  const kAll = past ? tf.concat([past.k, kh], 2) : kh; // [B, H, P+M, dh]
  const vAll = past ? tf.concat([past.v, vh], 2) : vh; // [B, H, P+M, dh]
  const K = kAll.shape[2] as number;
  const scores = matMul<Tensor4D>(qh, tf.transpose(kAll, [0, 1, 3, 2])); // [B, H, M, P+M]
  const sinkScores = tf.sum(tf.mul(qh, tf.reshape(p.sinkK, [1, H, 1, dh])), -1, true); // [B, H, M, 1]
  const raw = tf.concat([sinkScores, scores], -1); // [B, H, M, P+M+1]
  let logits = tf.mul(tf.tanh(tf.mul(raw, 1 / (ctx.softCap * Math.sqrt(dh)))), ctx.softCap); // [B, H, M, P+M+1]
  if (ctx.bias) logits = tf.add(logits, ctx.bias);
  const probs = tf.softmax(logits, -1); // [B, H, M, P+M+1]
  const [pSink, pKeys] = tf.split(probs, [1, K], -1); // [B, H, M, 1], [B, H, M, P+M]
  const o = tf.add(matMul(pKeys as Tensor, vAll), tf.mul(pSink as Tensor, tf.reshape(p.sinkV, [1, H, 1, dh]))); // [B, H, M, dh]
  const merged = tf.reshape(tf.transpose(o, [0, 2, 1, 3]), [B * M, d]); // [B·M, d]
  return { out: matMul<Tensor2D>(merged, p.wo), k: kh, v: vh };
}

/** Causal bias of a block after a prefix of P positions: query m sees the whole prefix and block keys ≤ m. */
export function causalBiasAfterPrefix(P: number, M: number): Tensor {
  const K = P + M + 1;
  const bias = new Float32Array(M * K);
  for (let m = 0; m < M; m++) for (let j = P + m + 1; j < P + M; j++) bias[m * K + 1 + j] = HIDDEN_LOGIT;
  return tf.tensor4d(bias, [1, 1, M, K]);
}
