// The GIDD loss of @difflm/noise (DifflmGiddKlIs and DifflmGiddKlIsGrad; the contract is documented in the noise
// package's loss/fused-loss.ts) on the addon's native/loss.cc: one pass over each token's V logits instead of the
// composite graph's ~40 element-wise kernels on [B, N, V].
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { alloc, input, output, sizeOf, tokenIds } from './native-kernel.js';
import type { FusedNativeKernel } from './blocks.js';

function floats(backend: MathBackendCPU, t: TensorInfo, kernel: string, name: string, size: number): Float32Array {
  if (t.dtype === 'float32' && sizeOf(t.shape) !== size) throw new Error(`${kernel}: input '${name}' must have ${size} elements, got shape [${t.shape.join(', ')}]`);
  return input(backend, t, kernel, name);
}

interface LossArgs {
  T: number;
  V: number;
  K: number;
  arrays: [Float32Array, Int32Array, Int32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  maskId: number;
  isEpsilon: number;
}

function lossArgs(kernel: string, backend: MathBackendCPU, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown>): LossArgs {
  const { logits, x0, zt, alpha, coef, bases, qz } = inputs;
  if (!logits || logits.shape.length !== 2) throw new Error(`${kernel}: logits must be [T, V], got [${logits?.shape.join(', ')}]`);
  const [T, V] = logits.shape as [number, number];
  if (!bases || bases.shape.length !== 2 || bases.shape[1] !== V) throw new Error(`${kernel}: bases must be [K, ${V}], got [${bases?.shape.join(', ')}]`);
  const K = bases.shape[0]!;
  const maskId = Number(attrs.maskId ?? -1);
  if (!Number.isInteger(maskId) || maskId < -1 || maskId >= V) throw new Error(`${kernel}: attr maskId must be −1 or a token id in [0, ${V}), got ${attrs.maskId}`);
  const isEpsilon = Number(attrs.isEpsilon);
  if (!Number.isFinite(isEpsilon) || isEpsilon < 0) throw new Error(`${kernel}: attr isEpsilon must be a finite number ≥ 0, got ${attrs.isEpsilon}`);
  return {
    T, V, K, maskId, isEpsilon,
    arrays: [floats(backend, logits, kernel, 'logits', T * V), tokenIds(backend, x0!, kernel, 'x0', T, V), tokenIds(backend, zt!, kernel, 'zt', T, V), floats(backend, alpha!, kernel, 'alpha', T), floats(backend, coef!, kernel, 'coef', T * K), floats(backend, bases, kernel, 'bases', K * V), floats(backend, qz!, kernel, 'qz', T)],
  };
}

const giddKlIs: FusedNativeKernel = {
  kernelName: 'DifflmGiddKlIs',
  make: (addon) => (args) => {
    const backend = args.backend as MathBackendCPU;
    const a = lossArgs('DifflmGiddKlIs', backend, args.inputs as Record<string, TensorInfo>, args.attrs as Record<string, unknown>);
    const out = alloc(backend, 2 * a.T);
    addon.giddKlIsForward(...a.arrays, out.subarray(0, a.T), out.subarray(a.T), a.T, a.V, a.K, a.maskId, a.isEpsilon);
    return output(backend, [2, a.T], out);
  },
};

const giddKlIsGrad: FusedNativeKernel = {
  kernelName: 'DifflmGiddKlIsGrad',
  make: (addon) => (args) => {
    const backend = args.backend as MathBackendCPU;
    const inputs = args.inputs as Record<string, TensorInfo>;
    const a = lossArgs('DifflmGiddKlIsGrad', backend, inputs, args.attrs as Record<string, unknown>);
    const dy = floats(backend, inputs.dy!, 'DifflmGiddKlIsGrad', 'dy', 2 * a.T);
    const dl = alloc(backend, a.T * a.V);
    addon.giddKlIsBackward(...a.arrays, dy.subarray(0, a.T), dy.subarray(a.T), dl, a.T, a.V, a.K, a.maskId, a.isEpsilon);
    return output(backend, [a.T, a.V], dl);
  },
};

export const lossKernels: readonly FusedNativeKernel[] = [giddKlIs, giddKlIsGrad];
