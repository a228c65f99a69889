// Embedding lookup whose gradient is the DifflmEmbeddingGrad kernel where the backend has it (a scatter-add of M rows)
// and a one-hot matmul elsewhere: tf.gather's own gradient needs UnsortedSegmentSum, which the wasm backend lacks, and
// the one-hot product ([V, M] built, cast and transposed every step) gives the same sums on every backend.
import * as tf from '@tensorflow/tfjs-core';
import type { GradSaveFunc, Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { fusedEmbeddingGrad } from './fused.js';

// customGrad passes the inputs followed by the save function.
const embedCustom = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
  const [table, ids, save] = args as [Tensor, Tensor, GradSaveFunc];
  save([ids]);
  const vocab = table.shape[0] as number;
  return {
    value: tf.gather(table, ids), // [M, d]
    gradFunc: (dy: Tensor, saved: Tensor[]) => {
      const [sids] = saved as [Tensor];
      const fused = fusedEmbeddingGrad(sids, dy, vocab);
      if (fused) return [fused, tf.zerosLike(sids)];
      // oneHot as int32 then cast: float32 oneHot returns garbage on wasm.
      const oneHotT = tf.transpose(tf.cast(tf.oneHot(sids as Tensor1D, vocab), 'float32')); // [V, M]
      return [tf.matMul(oneHotT, dy), tf.zerosLike(sids)]; // [V, d], no gradient for ids
    },
  };
}) as (table: Tensor, ids: Tensor) => Tensor;

/** Rows of `table` [V, d] for int32 `ids` [M] → [M, d]; differentiable w.r.t. the table on every backend. */
export function embed(table: Tensor2D, ids: Tensor1D): Tensor2D {
  return embedCustom(table, ids) as Tensor2D;
}
