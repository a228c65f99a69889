// Embedding lookup whose gradient is the DifflmEmbeddingGrad kernel where the backend has it (a scatter-add of M rows)
// and a one-hot matmul elsewhere: tf.gather's own gradient needs UnsortedSegmentSum, which the wasm backend lacks, and
// the one-hot product ([V, M] built, cast and transposed every step) gives the same sums on every backend.
import * as tf from '@tensorflow/tfjs-core';
import type { GradSaveFunc, Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { fusedEmbeddingGrad } from './fused.js';

/** Rows of `table` [V, d] for int32 `ids` [M] → [M, d]; differentiable w.r.t. the table on every backend. */
export function embed(table: Tensor2D, ids: Tensor1D): Tensor2D {
  const vocab = table.shape[0];
  // The ids are no input of the op (they take no gradient; as an input the backward pass would return zeros for them).
  const op = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const [t, save] = args as [Tensor, GradSaveFunc];
    save([ids]); // kept for the backward pass: the caller's copy may be gone by then
    return {
      value: tf.gather(t, ids), // [M, d]
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [sids] = saved as [Tensor];
        const fused = fusedEmbeddingGrad(sids, dy, vocab);
        if (fused) return fused;
        // oneHot as int32 then cast: float32 oneHot returns garbage on wasm.
        const oneHotT = tf.transpose(tf.cast(tf.oneHot(sids as Tensor1D, vocab), 'float32')); // [V, M]
        return tf.matMul(oneHotT, dy); // [V, d]
      },
    };
  }) as (t: Tensor) => Tensor;
  return op(table) as Tensor2D;
}
