// Next-token cross-entropy for the autoregressive baseline (SPEC §3 "AR baseline"): position i
// predicts token i+1; the last position has no target. Mean nats per predicted token.
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';

/**
 * Mean next-token cross-entropy of logits [B, N, V] against tokens int32 [B, N] (borrowed), as a
 * differentiable scalar (owned by the caller). `weights` [B, N−1] (optional) weights each target.
 */
export function causalLmLoss(logits: Tensor3D, tokens: Tensor2D, weights?: Tensor2D | null): Scalar {
  const [B, N, V] = logits.shape;
  if (tokens.rank !== 2 || tokens.shape[0] !== B || tokens.shape[1] !== N) {
    throw new Error(`causalLmLoss: tokens must be [${B}, ${N}] to match logits [${logits.shape.join(', ')}], got [${tokens.shape.join(', ')}]`);
  }
  if (N < 2) throw new Error(`causalLmLoss: need at least 2 positions to predict a next token, got N = ${N}`);
  if (weights && (weights.shape[0] !== B || weights.shape[1] !== N - 1)) {
    throw new Error(`causalLmLoss: weights must be [${B}, ${N - 1}], got [${weights.shape.join(', ')}]`);
  }
  return tf.tidy(() => {
    const pred = tf.reshape(tf.slice(logits, [0, 0, 0], [B, N - 1, V]), [B * (N - 1), V]); // [B·(N−1), V]
    const target = tf.reshape(tf.slice(tokens, [0, 1], [B, N - 1]), [B * (N - 1)]) as Tensor1D; // [B·(N−1)]
    // oneHot as int32 then cast: float32 oneHot is wrong on the wasm backend.
    const oneHot = tf.cast(tf.oneHot(target, V), 'float32'); // [B·(N−1), V]
    const nll = tf.neg(tf.sum(tf.mul(tf.logSoftmax(pred, -1), oneHot), -1)); // [B·(N−1)]
    if (!weights) return tf.mean(nll) as Scalar;
    const w = tf.reshape(weights, [B * (N - 1)]);
    return tf.div(tf.sum(tf.mul(nll, w)), tf.maximum(tf.sum(w), 1e-12)) as Scalar; // floor avoids 0/0 for an all-zero weight
  });
}
