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
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, NamedTensorMap, Tensor, Variable } from '@tensorflow/tfjs-core';

export const FusedUpdateKernel = {
  adamw: 'DifflmAdamWUpdate',
  laprop: 'DifflmLaPropUpdate',
} as const;

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
