// One call of the user's denoiser: upload z_t (and the attention mask), run it, read the logits back and
// dispose every tensor (the returned logits belong to the sampler, which frees them).
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import type { PrefixDenoiser } from './generate.js';

export type Denoiser = (zt: Tensor2D, attentionMask: Tensor3D | null) => Tensor3D | Promise<Tensor3D>;

export async function callDenoiser(denoise: Denoiser, z: Int32Array, attention: Float32Array | null, B: number, N: number, V: number): Promise<Float32Array> {
  const zt = tf.tensor2d(z, [B, N], 'int32');
  const mask = attention ? tf.tensor3d(attention, [B, N, N]) : null;
  try {
    const logits = await denoise(zt, mask);
    try {
      const [b, n, v] = logits.shape;
      if (logits.rank !== 3 || b !== B || n !== N || v !== V) throw new Error(`sampler: denoise must return logits [${B}, ${N}, ${V}], got [${logits.shape.join(', ')}]`);
      return (await logits.data()) as Float32Array;
    } finally {
      if ((logits as tf.Tensor) !== zt && logits !== mask) logits.dispose();
    }
  } finally {
    zt.dispose();
    mask?.dispose();
  }
}

/** One block after a cached prefix: logits [B, M, V] of the block's tokens, read back; every tensor disposed. */
export async function callPrefixDenoiser(pd: PrefixDenoiser, cache: { dispose(): void }, block: Int32Array, B: number, M: number, V: number): Promise<Float32Array> {
  const zt = tf.tensor2d(block, [B, M], 'int32');
  try {
    const logits = await pd.applyAfterPrefix(cache, zt);
    try {
      const [b, m, v] = logits.shape;
      if (logits.rank !== 3 || b !== B || m !== M || v !== V) throw new Error(`sampler: applyAfterPrefix must return logits [${B}, ${M}, ${V}], got [${logits.shape.join(', ')}]`);
      return (await logits.data()) as Float32Array;
    } finally {
      if ((logits as tf.Tensor) !== zt) logits.dispose();
    }
  } finally {
    zt.dispose();
  }
}
