// Matrix product whose gradient, on the wasm backend, uses explicit transposes instead of matMul's transpose
// flags: there a flagged matMul is 10–20x slower than tf.transpose + plain matMul, and this made a small
// transformer step ~3x faster. Other backends (native BLAS, TensorFlow, WebGL/WebGPU) take the flags directly.
// Works for rank 2 and for batched rank ≥ 3 with equal batch dims.
import * as tf from '@tensorflow/tfjs-core';
import type { GradSaveFunc, Tensor } from '@tensorflow/tfjs-core';

function swapLastTwo(x: Tensor): Tensor {
  const r = x.rank;
  const perm = [...Array(r).keys()];
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return tf.transpose(x, perm);
}

// customGrad passes the inputs followed by the save function.
const matMulCustom = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
  const [a, b, save] = args as [Tensor, Tensor, GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: Tensor, saved: Tensor[]) => {
      const [sa, sb] = saved as [Tensor, Tensor];
      if (tf.getBackend() !== 'wasm') return [tf.matMul(dy, sb, false, true), tf.matMul(sa, dy, true, false)];
      return [tf.matMul(dy, swapLastTwo(sb)), tf.matMul(swapLastTwo(sa), dy)];
    },
  };
}) as (a: Tensor, b: Tensor) => Tensor;

/** a·b for a [..., M, K], b [..., K, N] → [..., M, N]; no transpose flags in forward or backward. */
export function matMul<T extends Tensor>(a: Tensor, b: Tensor): T {
  if (a.rank < 2 || a.rank !== b.rank) throw new Error(`matMul: expected equal ranks ≥ 2, got ${a.rank} and ${b.rank}`);
  return matMulCustom(a, b) as T;
}
