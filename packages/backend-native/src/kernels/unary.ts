// Elementwise unary ops on float32 (exp, log, relu, sigmoid, ...); Step carries its `alpha` attribute.
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { alloc, f32, output, type NativeKernel } from './native-kernel.js';

/** Op codes of native/elementwise.cc's unary(). */
const unaryOps = {
  Exp: 0, Log: 1, Neg: 2, Sqrt: 3, Rsqrt: 4, Square: 5, Relu: 6, Sigmoid: 7, Tanh: 8, Abs: 9, Reciprocal: 10, Step: 11, Log1p: 12, Expm1: 13,
} as const;

function unaryKernel(kernelName: keyof typeof unaryOps): NativeKernel {
  const op = unaryOps[kernelName];
  return {
    kernelName,
    make: (addon, fallback): KernelFunc => (args) => {
      const backend = args.backend as MathBackendCPU;
      const { x } = args.inputs as { x: TensorInfo };
      const xv = f32(backend, x);
      if (!xv) return fallback(args);
      const alpha = kernelName === 'Step' ? ((args.attrs as { alpha?: number }).alpha ?? 0) : 0;
      const out = alloc(backend, xv.length);
      if (out.length > 0) addon.unary(op, xv, out, xv.length, alpha);
      return output(backend, x.shape, out);
    },
  };
}

const clipKernel: NativeKernel = {
  kernelName: 'ClipByValue',
  make: (addon, fallback): KernelFunc => (args) => {
    const backend = args.backend as MathBackendCPU;
    const { x } = args.inputs as { x: TensorInfo };
    const { clipValueMin, clipValueMax } = args.attrs as { clipValueMin: number; clipValueMax: number };
    const xv = f32(backend, x);
    if (!xv) return fallback(args);
    const out = alloc(backend, xv.length);
    if (out.length > 0) addon.clip(xv, out, xv.length, clipValueMin, clipValueMax);
    return output(backend, x.shape, out);
  },
};

export const unaryKernels: NativeKernel[] = [...(Object.keys(unaryOps) as (keyof typeof unaryOps)[]).map(unaryKernel), clipKernel];
