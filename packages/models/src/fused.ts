// Fused kernels: named TensorFlow.js kernels that a backend may implement to run a whole block of the model in one
// call (the native CPU backend does). The model uses a fused kernel when the active backend registers it and its
// gradient kernel (DifflmEmbeddingGrad, a gradient itself, on its own), and the composite graph of ordinary tfjs ops
// otherwise; both compute the same function.
//
// The contract (kernel names, inputs, attrs, outputs) is public so that any backend can implement it:
//   DifflmQkNormRope       inputs {qkv [B·N, 3d] (the fused q|k|v projection), weight [2, d] (QK-norm gains),
//                          cos [N, dh], sin [N, dh] (RoPE tables, sin signed as in rope.ts)}; attrs {nHeads, eps}
//                          → [y [B·N, 3d] (q and k RMS-normalised with (1 + w) and rotated, v copied), rstd [B·N, 2]]
//   DifflmQkNormRopeGrad   inputs {qkv, weight, rstd, cos, sin, dy}; attrs {nHeads, eps} → [dqkv, dWeight]
//   DifflmAttention        inputs {qkv [B,N,3H,dh] (q heads, k heads, v heads: DifflmQkNormRope's output),
//                          sinkK [H,dh], sinkV [H,dh], bias? [Bb,1,N,N+1]}; attrs {nHeads, scale, softCap}
//                          → [out [B,N,H,dh], probs [B,H,N,N+1], gate [B,H,N,N+1]] where column 0 is the sink,
//                          probs = softmax(cap·tanh(scale·raw/cap) + bias) and gate = scale·(1 − tanh²).
//   DifflmAttentionGrad    inputs {qkv, sinkK, sinkV, probs, gate, dOut} → [dqkv, dSinkK, dSinkV]
//   DifflmRmsNorm          inputs {x [..., d], weight (x's trailing axes)}; attrs {eps} → [y, rstd [rows]]
//   DifflmRmsNormGrad      inputs {x, weight, rstd, dy}; attrs {eps} → [dx, dWeight]
//   DifflmBiasSquaredRelu      inputs {x [M,F], bias [F]} → y = max(x + bias, 0)²
//   DifflmBiasSquaredReluGrad  inputs {x, bias, dy} → [dx, dBias]
//   DifflmEmbeddingGrad    inputs {ids int32 [M] (each in [0, V)), dy [M, d]}; attrs {vocabSize V} → dTable [V, d],
//                          row v the sum of the dy rows whose id is v (the gradient of a row lookup)
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, NamedTensorMap, Tensor } from '@tensorflow/tfjs-core';

export const FusedKernel = {
  qkNormRope: 'DifflmQkNormRope',
  qkNormRopeGrad: 'DifflmQkNormRopeGrad',
  attention: 'DifflmAttention',
  attentionGrad: 'DifflmAttentionGrad',
  rmsNorm: 'DifflmRmsNorm',
  rmsNormGrad: 'DifflmRmsNormGrad',
  biasSquaredRelu: 'DifflmBiasSquaredRelu',
  biasSquaredReluGrad: 'DifflmBiasSquaredReluGrad',
  embeddingGrad: 'DifflmEmbeddingGrad',
} as const;

/** A fused block: 'attention' is QK-norm + RoPE and the attention core (four kernels), the others two each. */
export type FusedBlock = 'attention' | 'rmsNorm' | 'biasSquaredRelu';

let enabled = true;

/**
 * Turn the fused kernels off (the composite graph runs on every backend) or back on. Meant for comparing the two
 * paths; a backend without the kernels always runs the composite graph.
 */
export function setFusedKernelsEnabled(on: boolean): void {
  enabled = on;
}

// Each fused op is a customGrad: the tape records one node with one output, so the extra outputs a backward pass
// needs (probs, gate, rstd) are saved without tfjs creating zero gradients for them.
type Saver = (tensors: Tensor[]) => void;
function run(name: string, inputs: NamedTensorMap, attrs: NamedAttrMap = {}): Tensor[] {
  const out = tf.engine().runKernel(name, inputs, attrs) as Tensor | Tensor[];
  return Array.isArray(out) ? out : [out];
}

interface AttentionAttrs {
  nHeads: number;
  scale: number;
  softCap: number;
}

// The bias (from a mask or the causal rule) is no input of the op: it takes no gradient, and as an input the backward
// pass would allocate and return a zero tensor of its [Bb, 1, N, N+1] shape every step.
function attentionOp(bias: Tensor | null, attrs: AttentionAttrs) {
  return tf.customGrad((...args: (Tensor | Saver)[]) => {
    const save = args.pop() as Saver;
    const [qkv, sinkK, sinkV] = args as Tensor[];
    const inputs: NamedTensorMap = { qkv: qkv!, sinkK: sinkK!, sinkV: sinkV! };
    if (bias) inputs.bias = bias;
    const [out, probs, gate] = run(FusedKernel.attention, inputs, { ...attrs });
    save([qkv!, sinkK!, sinkV!, probs!, gate!]);
    return {
      value: out!,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [sqkv, ssk, ssv, sp, sg] = saved as [Tensor, Tensor, Tensor, Tensor, Tensor];
        return run(FusedKernel.attentionGrad, { qkv: sqkv, sinkK: ssk, sinkV: ssv, probs: sp, gate: sg, dOut: dy }, { ...attrs });
      },
    };
  });
}

/**
 * Fused attention core (the DifflmAttention kernel): qkv [B,N,3H,dh] → out [B,N,H,dh]. Only call when
 * fusedKernelActive('attention').
 */
export function fusedAttention(qkv: Tensor, sinkK: Tensor, sinkV: Tensor, bias: Tensor | null, attrs: AttentionAttrs): Tensor {
  const op = attentionOp(bias, attrs) as (...t: Tensor[]) => Tensor;
  return op(qkv, sinkK, sinkV);
}

/**
 * Fused QK-norm + RoPE (the DifflmQkNormRope kernel) on the q|k|v projection [B·N, 3d]; cos/sin are [N, dh].
 * Only call when fusedKernelActive('attention').
 */
export function fusedQkNormRope(qkv: Tensor, weight: Tensor, cos: Tensor, sin: Tensor, attrs: { nHeads: number; eps: number }): Tensor {
  const op = tf.customGrad((...args: (Tensor | Saver)[]) => {
    const [x, w, save] = args as [Tensor, Tensor, Saver];
    const [y, rstd] = run(FusedKernel.qkNormRope, { qkv: x, weight: w, cos, sin }, { ...attrs });
    save([x, w, rstd!, cos, sin]); // the tables too: the caller's copies are gone by the backward pass
    return {
      value: y!,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [sx, sw, sr, sc, ss] = saved as [Tensor, Tensor, Tensor, Tensor, Tensor];
        return run(FusedKernel.qkNormRopeGrad, { qkv: sx, weight: sw, rstd: sr, cos: sc, sin: ss, dy }, { ...attrs });
      },
    };
  }) as (x: Tensor, w: Tensor) => Tensor;
  return op(qkv, weight);
}

/** Fused RMSNorm (the DifflmRmsNorm kernel). Only call when fusedKernelActive('rmsNorm'). */
export function fusedRmsNorm(x: Tensor, weight: Tensor, eps: number): Tensor {
  const op = tf.customGrad((...args: (Tensor | Saver)[]) => {
    const [xi, w, save] = args as [Tensor, Tensor, Saver];
    const [y, rstd] = run(FusedKernel.rmsNorm, { x: xi, weight: w }, { eps });
    save([xi, w, rstd!]);
    return {
      value: y!,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [sx, sw, sr] = saved as [Tensor, Tensor, Tensor];
        return run(FusedKernel.rmsNormGrad, { x: sx, weight: sw, rstd: sr, dy }, { eps });
      },
    };
  }) as (x: Tensor, w: Tensor) => Tensor;
  return op(x, weight);
}

/** Fused max(x + bias, 0)² (the DifflmBiasSquaredRelu kernel). Only call when fusedKernelActive('biasSquaredRelu'). */
export const fusedBiasSquaredRelu = tf.customGrad((...args: (Tensor | Saver)[]) => {
  const [x, bias, save] = args as [Tensor, Tensor, Saver];
  save([x, bias]);
  const [y] = run(FusedKernel.biasSquaredRelu, { x, bias });
  return {
    value: y!,
    gradFunc: (dy: Tensor, saved: Tensor[]) => run(FusedKernel.biasSquaredReluGrad, { x: saved[0]!, bias: saved[1]!, dy }),
  };
}) as (x: Tensor, bias: Tensor) => Tensor;

/**
 * The embedding table's gradient [V, d] from the looked-up rows' gradient dy [M, d] (the DifflmEmbeddingGrad kernel),
 * or null where the active backend lacks it or fused kernels are off (the caller then runs its composite graph).
 */
export function fusedEmbeddingGrad(ids: Tensor, dy: Tensor, vocabSize: number): Tensor | null {
  if (!enabled || tf.getKernel(FusedKernel.embeddingGrad, tf.getBackend()) == null) return null;
  return run(FusedKernel.embeddingGrad, { ids, dy }, { vocabSize })[0]!;
}

/** Whether `block` runs as a fused kernel on the active backend (and fused kernels are enabled). */
export function fusedKernelActive(block: FusedBlock): boolean {
  if (!enabled) return false;
  const backend = tf.getBackend();
  const names: string[] = block === 'attention' ? [FusedKernel.qkNormRope, FusedKernel.qkNormRopeGrad, FusedKernel.attention, FusedKernel.attentionGrad] : [FusedKernel[block], FusedKernel[`${block}Grad`]];
  return names.every((name) => tf.getKernel(name, backend) != null);
}
