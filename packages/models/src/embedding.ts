// Embedding lookup with a one-hot-matmul gradient. tf.gather's gradient needs UnsortedSegmentSum,
// which the wasm backend lacks; the one-hot product gives the same scatter-add on every backend.
import * as tf from '@tensorflow/tfjs-core';
import type { GradSaveFunc, Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';

// customGrad passes the inputs followed by the save function.
const embedCustom = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
  const [table, ids, save] = args as [Tensor, Tensor, GradSaveFunc];
  save([ids]);
  const vocab = table.shape[0] as number;
  return {
    value: tf.gather(table, ids), // [M, d]
    gradFunc: (dy: Tensor, saved: Tensor[]) => {
      const [sids] = saved as [Tensor];
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
