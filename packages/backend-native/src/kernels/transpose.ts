// Transpose on float32: one native pass (merged dims, blocked 2-d swaps).
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { alloc, f32, output, type NativeKernel } from './native-kernel.js';

export const transposeKernel: NativeKernel = {
  kernelName: 'Transpose',
  make: (addon, fallback): KernelFunc => (args) => {
    const backend = args.backend as MathBackendCPU;
    const { x } = args.inputs as { x: TensorInfo };
    const { perm } = args.attrs as { perm: number[] };
    const xv = f32(backend, x);
    if (!xv) return fallback(args);
    const out = alloc(backend, xv.length);
    if (out.length > 0) addon.transpose(xv, Int32Array.from(x.shape), Int32Array.from(perm), out);
    return output(backend, perm.map((p) => x.shape[p]!), out);
  },
};
