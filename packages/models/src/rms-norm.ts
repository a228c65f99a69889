// RMSNorm with a (1 + w) gain (SPEC §3): y = (1 + w)·x / √(mean(x²) + 1e−6), w zero-initialised, fp32.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { fusedKernelActive, fusedRmsNorm } from './fused.js';

/** SPEC §3 RMSNorm epsilon: keeps the inverse root finite for an all-zero row. */
export const RMS_NORM_EPS = 1e-6;

/** Normalise over the last axis; `weight` broadcasts against x's trailing axes. */
export function rmsNorm<T extends Tensor>(x: T, weight: Tensor): T {
  if (weight.rank <= x.rank && weight.shape.every((n, i) => n === x.shape[x.rank - weight.rank + i]) && fusedKernelActive('rmsNorm')) {
    return fusedRmsNorm(x, weight, RMS_NORM_EPS) as T;
  }
  const ms = tf.mean(tf.square(x), -1, true); // [..., 1]
  const normed = tf.mul(x, tf.rsqrt(tf.add(ms, RMS_NORM_EPS)));
  return tf.mul(normed, tf.add(weight, 1)) as T;
}
