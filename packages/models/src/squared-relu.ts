// The MLP's activation with its bias (SPEC §3): squared ReLU, y = max(x + b, 0)².
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { fusedBiasSquaredRelu, fusedKernelActive } from './fused.js';

/** max(x + bias, 0)² for x [M, F] and bias [F]. */
export function biasSquaredRelu(x: Tensor2D, bias: Tensor1D): Tensor2D {
  if (fusedKernelActive('biasSquaredRelu')) {
    return fusedBiasSquaredRelu(x, bias) as Tensor2D;
  }
  return tf.square(tf.relu(tf.add(x, bias))) as Tensor2D;
}
