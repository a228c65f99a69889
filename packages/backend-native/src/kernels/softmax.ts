// Softmax over the last axis on float32 (tfjs's softmax op always passes the last axis).
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { alloc, f32, output, type NativeKernel } from './native-kernel.js';

export const softmaxKernel: NativeKernel = {
  kernelName: 'Softmax',
  make: (addon, fallback): KernelFunc => (args) => {
    const backend = args.backend as MathBackendCPU;
    const { logits } = args.inputs as { logits: TensorInfo };
    const { dim } = args.attrs as { dim: number };
    const xv = f32(backend, logits);
    const rank = logits.shape.length;
    if (!xv || xv.length === 0 || rank === 0 || (dim !== -1 && dim !== rank - 1)) return fallback(args);
    const cols = logits.shape[rank - 1]!;
    const out = alloc(backend, xv.length);
    addon.softmax(xv, out, xv.length / cols, cols);
    return output(backend, logits.shape, out);
  },
};
