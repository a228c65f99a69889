// BatchMatMul over OpenBLAS sgemm: transposes are sgemm flags (no copies), batch dims broadcast numpy-style.
import { backend_util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { alloc, f32, output, sizeOf, type NativeKernel } from './native-kernel.js';

/** Index of each output batch's source matrix in an input with batch shape `inShape` broadcast to `outShape`. */
function batchIndex(inShape: number[], outShape: number[]): Int32Array | null {
  const same = inShape.length === outShape.length && inShape.every((d, i) => d === outShape[i]);
  if (same) return null;
  const total = sizeOf(outShape);
  const idx = new Int32Array(total);
  const r = outShape.length;
  const pad = r - inShape.length;
  for (let o = 0; o < total; o++) {
    let rem = o;
    let src = 0;
    let stride = 1;
    for (let d = r - 1; d >= 0; d--) {
      const size = outShape[d]!;
      const coord = rem % size;
      rem = Math.floor(rem / size);
      const inDim = d - pad >= 0 ? inShape[d - pad]! : 1;
      if (inDim !== 1) src += coord * stride;
      stride *= inDim;
    }
    idx[o] = src;
  }
  return idx;
}

export const batchMatMulKernel: NativeKernel = {
  kernelName: 'BatchMatMul',
  make: (addon, fallback): KernelFunc => (args) => {
    const backend = args.backend as MathBackendCPU;
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    const av = f32(backend, a);
    const bv = f32(backend, b);
    if (!av || !bv || a.shape.length < 2 || b.shape.length < 2) return fallback(args);
    const ra = a.shape.length;
    const rb = b.shape.length;
    const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
    const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
    const kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
    const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
    if (k !== kb) throw new Error(`BatchMatMul: inner dimensions differ (${k} vs ${kb}) for shapes [${a.shape}] and [${b.shape}] (transposeA=${transposeA}, transposeB=${transposeB})`);
    const batchA = a.shape.slice(0, -2);
    const batchB = b.shape.slice(0, -2);
    const batchOut = backend_util.assertAndGetBroadcastShape(batchA, batchB);
    const batch = sizeOf(batchOut);
    const out = alloc(backend, batch * m * n);
    if (m > 0 && n > 0 && batch > 0) {
      if (k === 0) out.fill(0);
      else addon.gemm(av, bv, out, batch, m, n, k, transposeA, transposeB, batchIndex(batchA, batchOut), batchIndex(batchB, batchOut));
    }
    return output(backend, [...batchOut, m, n], out);
  },
};
