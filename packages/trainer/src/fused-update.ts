// Fused optimizer updates: named TensorFlow.js kernels a backend may implement to update one parameter and its
// moments in a single pass (the native CPU backend does). Without them the optimizers run their tf-op graph,
// about a dozen kernels per parameter; both compute the same update.
//
// The contract (any backend can implement it), all tensors float32 and of the parameter's shape:
//   DifflmAdamWUpdate   inputs {param, grad, m, v}; attrs {beta1, beta2, c1, c2, epsilon, lr, weightDecay}
//                       → [param', m', v'] with m' = β1·m + (1−β1)·g, v' = β2·v + (1−β2)·g²,
//                       param' = param − lr·((m'/c1)/(√(v'/c2) + ε) + wd·param)
//   DifflmLaPropUpdate  inputs {param, grad, m, nu}; attrs {beta1, beta2, epsilon, lr, weightDecay} (the step's
//                       bias-corrected betas) → [param', m', nu'] with nu' = β2·nu + (1−β2)·g²,
//                       m' = β1·m + (1−β1)·g/(√nu' + ε), param' = param − lr·(m' + wd·param)
//   DifflmSumSquares    inputs {x0, x1, …, x(n−1)} (any shapes) → scalar Σᵢ Σ xᵢ² (the gradient norm's square in one
//                       kernel instead of two per parameter and the sums of their results; the native kernel adds in
//                       double, the composite graph in float32, so the two differ in the last bits)
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, NamedTensorMap, Tensor, Variable } from '@tensorflow/tfjs-core';

export const FusedUpdateKernel = {
  adamw: 'DifflmAdamWUpdate',
  laprop: 'DifflmLaPropUpdate',
} as const;

export const SUM_SQUARES_KERNEL = 'DifflmSumSquares';

let enabled = true;

/** Turn the fused optimizer kernels off (the tf-op graph runs everywhere) or back on; for comparing the two. */
export function setFusedUpdatesEnabled(on: boolean): void {
  enabled = on;
}

/** Whether the active backend runs `kind`'s update as one fused kernel. */
export function fusedUpdateActive(kind: keyof typeof FusedUpdateKernel): boolean {
  return enabled && tf.getKernel(FusedUpdateKernel[kind], tf.getBackend()) != null;
}

/** Run `kind`'s fused kernel, assign the new value to `variable` and return the two new moment tensors. */
export function fusedUpdate(kind: keyof typeof FusedUpdateKernel, variable: Variable, inputs: NamedTensorMap, attrs: NamedAttrMap): [Tensor, Tensor] {
  const [theta, slot1, slot2] = tf.engine().runKernel(FusedUpdateKernel[kind], { param: variable, ...inputs }, attrs) as unknown as [Tensor, Tensor, Tensor];
  variable.assign(theta);
  theta.dispose();
  return [slot1, slot2];
}

/**
 * The sum of every tensor's squared entries as a scalar: the DifflmSumSquares kernel where the active backend has it
 * (and fused kernels are on), else a square and a sum per tensor, added up at most ADD_N_INPUTS at a time.
 */
export function sumOfSquares(tensors: readonly Tensor[]): Tensor {
  if (enabled && tensors.length > 0 && tf.getKernel(SUM_SQUARES_KERNEL, tf.getBackend()) != null) {
    const inputs: NamedTensorMap = {};
    tensors.forEach((t, i) => { inputs[`x${i}`] = t; });
    return tf.engine().runKernel(SUM_SQUARES_KERNEL, inputs, {}) as Tensor;
  }
  return tf.tidy(() => sumAll(tensors.map((g) => tf.sum(tf.square(g)))));
}

/**
 * The sum of many tensors of one shape, added at most ADD_N_INPUTS at a time: a WebGPU shader binds at most 8 storage
 * buffers by default, and TensorFlow.js's WebGPU AddN with more inputs fails validation and yields zeros.
 */
const ADD_N_INPUTS = 7;
function sumAll(ts: Tensor[]): Tensor {
  if (ts.length <= ADD_N_INPUTS) return ts.length === 1 ? ts[0]!.clone() : tf.addN(ts);
  const parts: Tensor[] = [];
  for (let i = 0; i < ts.length; i += ADD_N_INPUTS) parts.push(sumAll(ts.slice(i, i + ADD_N_INPUTS)));
  return sumAll(parts);
}
