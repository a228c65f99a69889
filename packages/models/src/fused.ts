// Fused kernels: named TensorFlow.js kernels that a backend may implement to run a whole block of the model in one
// call (the native CPU backend does). The model uses a fused kernel when the active backend registers it and its
// gradient kernel, and the composite graph of ordinary tfjs ops otherwise; both compute the same function.
//
// The contract (kernel names, inputs, attrs, outputs) is public so that any backend can implement it:
//   DifflmAttention        inputs {qk [B,N,2H,dh] (q heads then k heads, after QK-norm and RoPE), v [B,N,H,dh],
//                          sinkK [H,dh], sinkV [H,dh], bias? [Bb,1,N,N+1]}; attrs {nHeads, scale, softCap}
//                          → [out [B,N,H,dh], probs [B,H,N,N+1], gate [B,H,N,N+1]] where column 0 is the sink,
//                          probs = softmax(cap·tanh(scale·raw/cap) + bias) and gate = scale·(1 − tanh²).
//   DifflmAttentionGrad    inputs {qk, v, sinkK, sinkV, probs, gate, dOut} → [dqk, dv, dSinkK, dSinkV]
//   DifflmRmsNorm          inputs {x [..., d], weight (x's trailing axes)}; attrs {eps} → [y, rstd [rows]]
//   DifflmRmsNormGrad      inputs {x, weight, rstd, dy}; attrs {eps} → [dx, dWeight]
//   DifflmBiasSquaredRelu      inputs {x [M,F], bias [F]} → y = max(x + bias, 0)²
//   DifflmBiasSquaredReluGrad  inputs {x, bias, dy} → [dx, dBias]
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';

export const FusedKernel = {
  attention: 'DifflmAttention',
  attentionGrad: 'DifflmAttentionGrad',
  rmsNorm: 'DifflmRmsNorm',
  rmsNormGrad: 'DifflmRmsNormGrad',
  biasSquaredRelu: 'DifflmBiasSquaredRelu',
  biasSquaredReluGrad: 'DifflmBiasSquaredReluGrad',
} as const;

export type FusedBlock = 'attention' | 'rmsNorm' | 'biasSquaredRelu';

let enabled = true;

/**
 * Turn the fused kernels off (the composite graph runs on every backend) or back on. Meant for comparing the two
 * paths; a backend without the kernels always runs the composite graph.
 */
export function setFusedKernelsEnabled(on: boolean): void {
  enabled = on;
}

let gradientsRegistered = false;

function registerGradients(): void {
  if (gradientsRegistered) return;
  gradientsRegistered = true;
  tf.registerGradient({
    kernelName: FusedKernel.attention,
    inputsToSave: ['qk', 'v', 'sinkK', 'sinkV'],
    outputsToSave: [false, true, true],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs?: NamedAttrMap) => {
      const dOut = Array.isArray(dy) ? (dy[0] as Tensor) : dy;
      const [qk, v, sinkK, sinkV, probs, gate] = saved as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
      const [dqk, dv, dSinkK, dSinkV] = tf.engine().runKernel(FusedKernel.attentionGrad, { qk, v, sinkK, sinkV, probs, gate, dOut }, attrs) as Tensor[];
      const biasShape = (attrs?.biasShape as number[] | undefined) ?? [];
      return { qk: () => dqk!, v: () => dv!, sinkK: () => dSinkK!, sinkV: () => dSinkV!, bias: () => tf.zeros(biasShape) };
    },
  });
  tf.registerGradient({
    kernelName: FusedKernel.rmsNorm,
    inputsToSave: ['x', 'weight'],
    outputsToSave: [false, true],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs?: NamedAttrMap) => {
      const dY = Array.isArray(dy) ? (dy[0] as Tensor) : dy;
      const [x, weight, rstd] = saved as [Tensor, Tensor, Tensor];
      const [dx, dWeight] = tf.engine().runKernel(FusedKernel.rmsNormGrad, { x, weight, rstd, dy: dY }, attrs) as Tensor[];
      return { x: () => dx!, weight: () => dWeight! };
    },
  });
  tf.registerGradient({
    kernelName: FusedKernel.biasSquaredRelu,
    inputsToSave: ['x', 'bias'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
      const [x, bias] = saved as [Tensor, Tensor];
      const [dx, dBias] = tf.engine().runKernel(FusedKernel.biasSquaredReluGrad, { x, bias, dy: dy as Tensor }) as Tensor[];
      return { x: () => dx!, bias: () => dBias! };
    },
  });
}

/** Whether `block` runs as a fused kernel on the active backend (and fused kernels are enabled). */
export function fusedKernelActive(block: FusedBlock): boolean {
  if (!enabled) return false;
  const backend = tf.getBackend();
  const forward = FusedKernel[block];
  const grad = FusedKernel[`${block}Grad`];
  if (!tf.getKernel(forward, backend) || !tf.getKernel(grad, backend)) return false;
  registerGradients();
  return true;
}
