// Rotary position embedding, NeoX half-rotation over the full head dim (SPEC §3): for x = [x1, x2]
// (halves), rope(x) = [x1·cos − x2·sin, x2·cos + x1·sin] with frequencies θ^(−2i/d_head).
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';

export interface RopeTables {
  /** cos of each position and frequency, duplicated over both halves: [N, d_head]. */
  readonly cos: Tensor2D;
  /** sin with the sign of the half-rotation folded in ([−sin, +sin]): [N, d_head]. */
  readonly sin: Tensor2D;
}

/** Tables for positions 0..seqLen−1 (owned by the caller). */
export function ropeTables(seqLen: number, headDim: number, theta: number): RopeTables {
  const half = headDim / 2;
  const cos = new Float32Array(seqLen * headDim);
  const sin = new Float32Array(seqLen * headDim);
  for (let p = 0; p < seqLen; p++) {
    for (let i = 0; i < half; i++) {
      const angle = p * Math.pow(theta, (-2 * i) / headDim);
      const c = Math.cos(angle), s = Math.sin(angle);
      cos[p * headDim + i] = c;
      cos[p * headDim + half + i] = c;
      sin[p * headDim + i] = -s;
      sin[p * headDim + half + i] = s;
    }
  }
  return { cos: tf.tensor2d(cos, [seqLen, headDim]), sin: tf.tensor2d(sin, [seqLen, headDim]) };
}

/**
 * Rotate x [B, N, G, d_head] (G = any number of heads) at positions 0..N−1.
 * cos/sin are the first N rows of the tables reshaped to [N, 1, d_head].
 */
export function applyRope(x: Tensor, cos: Tensor, sin: Tensor): Tensor {
  const headDim = x.shape[x.rank - 1] as number;
  const half = headDim / 2;
  const [x1, x2] = tf.split(x, [half, half], -1) as [Tensor, Tensor]; // [B, N, G, d_head/2] each
  const swapped = tf.concat([x2, x1], -1); // [B, N, G, d_head]
  return tf.add(tf.mul(x, cos), tf.mul(swapped, sin));
}
