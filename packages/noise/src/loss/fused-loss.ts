// The fused GIDD loss: a named TensorFlow.js kernel pair that a backend may implement to compute the per-token KL
// and IS divergences of the loss (and their gradient with respect to the logits) in one pass per token, instead of
// the composite graph's ~40 element-wise kernels on [B, N, V] (diffusion-loss.ts). The native CPU backend does.
// The composite graph is the reference: both compute the same function (ADR 0005).
//
// The contract (names, inputs, attrs, outputs), T = B·N tokens, V the vocabulary, K the noise's base distributions:
//   DifflmGiddKlIs      inputs {logits [T, V] float32, x0 [T] int32, zt [T] int32, alpha [T] float32 (σ(λ)),
//                       coef [T, K] float32 (σ(−λ)·c_k(λ)), bases [K, V] float32, qz [T] float32 (q_λ(x)(z_t))};
//                       attrs {maskId (−1 when the vocabulary has none), isEpsilon}
//                       → klIs [2, T]: row 0 KL(q_λ(x) ‖ q_λ(x̂)), row 1 D_IS, with x̂ = softmax(logits − 1e6·[v = maskId])
//   DifflmGiddKlIsGrad  inputs {the same seven, dy [2, T]}; attrs {maskId, isEpsilon}
//                       → dLogits [T, V] = ∂(Σ_t dy[0,t]·KL_t + dy[1,t]·IS_t)/∂logits
import * as tf from '@tensorflow/tfjs-core';

export const FusedLossKernel = {
  klIs: 'DifflmGiddKlIs',
  klIsGrad: 'DifflmGiddKlIsGrad',
} as const;

let enabled = true;

/** Turn the fused loss off (the composite graph runs on every backend) or back on; for comparing the two paths. */
export function setFusedLossEnabled(on: boolean): void {
  enabled = on;
}

/** Whether the loss runs as the fused kernel pair on the active backend (and the fused loss is enabled). */
export function fusedLossActive(): boolean {
  if (!enabled) return false;
  const backend = tf.getBackend();
  return tf.getKernel(FusedLossKernel.klIs, backend) != null && tf.getKernel(FusedLossKernel.klIsGrad, backend) != null;
}

export interface FusedLossInputs {
  readonly x0: tf.Tensor1D;
  readonly zt: tf.Tensor1D;
  readonly alpha: tf.Tensor1D;
  readonly coef: tf.Tensor2D;
  readonly bases: tf.Tensor2D;
  readonly qz: tf.Tensor1D;
}

/** [KL, IS] per token, [2, T], differentiable with respect to `logits` [T, V] only. */
export function fusedKlIs(logits: tf.Tensor2D, inputs: FusedLossInputs, attrs: { maskId: number; isEpsilon: number }): tf.Tensor2D {
  const names = ['x0', 'zt', 'alpha', 'coef', 'bases', 'qz'] as const;
  const rest = names.map((n) => inputs[n] as tf.Tensor);
  const named = (ts: tf.Tensor[]) => Object.fromEntries(names.map((n, i) => [n, ts[i]!]));
  // Only the logits are an input of the op: the others take no gradient, and as inputs the backward pass would
  // return a zero tensor for each of them every step.
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [lg, save] = args as [tf.Tensor, tf.GradSaveFunc];
    // Every input is saved: the caller's tidy disposes them before the backward pass runs.
    save([lg, ...rest]);
    const value = tf.engine().runKernel(FusedLossKernel.klIs, { logits: lg, ...named(rest) }, { ...attrs }) as tf.Tensor;
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [slg, ...srest] = saved;
        return tf.engine().runKernel(FusedLossKernel.klIsGrad, { logits: slg!, ...named(srest), dy }, { ...attrs }) as tf.Tensor;
      },
    };
  });
  return op(logits) as tf.Tensor2D;
}
