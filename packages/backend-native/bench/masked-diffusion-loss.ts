// Masked-diffusion (MDLM) training loss used by the speed benchmark, written the same way as
// pytorch_ref.py: per sequence t ~ U(tMin, 1), each token masked with probability t, loss =
// Σ_masked (1/t)·CE(logits, x0) / (B·N) — the continuous-time masked ELBO with α_t = 1 − t.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@difflm/noise';

/** Lower end of t: keeps the 1/t weight bounded (MDLM's sampling eps). */
export const T_MIN = 1e-3;

export interface MaskedBatch {
  zt: tf.Tensor2D; // [B, N] int32
  x0: tf.Tensor2D; // [B, N] int32
  weight: tf.Tensor2D; // [B, N] float32: 1/t where masked, else 0
}

/** Corrupt clean tokens x [B, N] (as numbers) with the mask token `maskId`. */
export function maskedCorrupt(x: Int32Array, batch: number, seqLen: number, maskId: number, rng: Rng): MaskedBatch {
  const zt = new Int32Array(x.length);
  const weight = new Float32Array(x.length);
  for (let b = 0; b < batch; b++) {
    const t = T_MIN + (1 - T_MIN) * rng.uniform();
    for (let n = 0; n < seqLen; n++) {
      const i = b * seqLen + n;
      const masked = rng.uniform() < t;
      zt[i] = masked ? maskId : x[i]!;
      weight[i] = masked ? 1 / t : 0;
    }
  }
  return {
    zt: tf.tensor2d(zt, [batch, seqLen], 'int32'),
    x0: tf.tensor2d(x, [batch, seqLen], 'int32'),
    weight: tf.tensor2d(weight, [batch, seqLen], 'float32'),
  };
}

/** Weighted cross-entropy of logits [B, N, V] against x0, averaged over all B·N tokens. */
export function maskedDiffusionLoss(logits: tf.Tensor3D, batch: MaskedBatch): tf.Scalar {
  return tf.tidy(() => {
    const [B, N, V] = logits.shape;
    const logp = tf.logSoftmax(tf.reshape(logits, [B * N, V])); // [B·N, V]
    const target = tf.cast(tf.oneHot(tf.reshape(batch.x0, [B * N]) as tf.Tensor1D, V), 'float32'); // [B·N, V]
    const nll = tf.neg(tf.sum(tf.mul(logp, target), -1)); // [B·N]
    return tf.div(tf.sum(tf.mul(nll, tf.reshape(batch.weight, [B * N]))), B * N) as tf.Scalar;
  });
}
