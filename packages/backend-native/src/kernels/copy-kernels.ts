// Data-movement kernels as one native strided copy each: Slice, SplitV, Concat; GatherV2 (row lookup) in JS.
// The cpu backend does these element by element through TensorBuffer indexing, which dominated a training step.
import { backend_util, slice_util, util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.js';
import { alloc, f32, output, sizeOf, type NativeKernel } from './native-kernel.js';

function stridesOf(shape: readonly number[]): Int32Array {
  const s = new Int32Array(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** Copy the box [begin, begin + size) of x (shape `shape`) into a fresh contiguous array. */
function sliceBox(backend: MathBackendCPU, addon: NativeAddon, x: Float32Array, shape: number[], begin: number[], size: number[]): Float32Array {
  const out = alloc(backend, sizeOf(size));
  if (out.length === 0) return out;
  const xs = stridesOf(shape);
  let base = 0;
  begin.forEach((b, i) => (base += b * xs[i]!));
  addon.stridedCopy(x, base, xs, out, 0, stridesOf(size), Int32Array.from(size));
  return out;
}

const sliceKernel: NativeKernel = {
  kernelName: 'Slice',
  make: (addon, fallback): KernelFunc => (args) => {
    const backend = args.backend as MathBackendCPU;
    const { x } = args.inputs as { x: TensorInfo };
    const { begin, size } = args.attrs as { begin: number | number[]; size: number | number[] };
    const xv = f32(backend, x);
    if (!xv) return fallback(args);
    const [b, s] = slice_util.parseSliceParams(x as never, begin, size) as [number[], number[]];
    slice_util.assertParamsValid(x as never, b, s);
    return output(backend, s, sliceBox(backend, addon, xv, x.shape, b, s));
  },
};

const splitKernel: NativeKernel = {
  kernelName: 'SplitV',
  make: (addon, fallback): KernelFunc => (args) => {
    const backend = args.backend as MathBackendCPU;
    const { x } = args.inputs as { x: TensorInfo };
    const { numOrSizeSplits, axis } = args.attrs as { numOrSizeSplits: number | number[]; axis: number };
    const xv = f32(backend, x);
    if (!xv) return fallback(args);
    const $axis = util.parseAxisParam(axis, x.shape)[0]!;
    const splits = backend_util.prepareSplitSize(x as never, numOrSizeSplits, $axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    return splits.map((s) => {
      const size = [...x.shape];
      size[$axis] = s;
      const piece = output(backend, size, sliceBox(backend, addon, xv, x.shape, begin, size));
      begin[$axis]! += s;
      return piece;
    });
  },
};

const concatKernel: NativeKernel = {
  kernelName: 'Concat',
  make: (addon, fallback): KernelFunc => (args) => {
    const backend = args.backend as MathBackendCPU;
    const inputs = args.inputs as unknown as TensorInfo[];
    const { axis } = args.attrs as { axis: number };
    const values = inputs.map((t) => f32(backend, t));
    if (inputs.length === 0 || values.some((v) => v === null)) return fallback(args);
    const $axis = util.parseAxisParam(axis, inputs[0]!.shape)[0]!;
    const shapes = inputs.map((t) => t.shape);
    backend_util.assertParamsConsistent(shapes, $axis);
    const outShape = backend_util.computeOutShape(shapes, $axis);
    const out = alloc(backend, sizeOf(outShape));
    const os = stridesOf(outShape);
    let offset = 0;
    inputs.forEach((t, i) => {
      if (sizeOf(t.shape) > 0) addon.stridedCopy(values[i]!, 0, stridesOf(t.shape), out, offset * os[$axis]!, os, Int32Array.from(t.shape));
      offset += t.shape[$axis]!;
    });
    return output(backend, outShape, out);
  },
};

const gatherKernel: NativeKernel = {
  kernelName: 'GatherV2',
  make: (_addon, fallback): KernelFunc => (args) => {
    const backend = args.backend as MathBackendCPU;
    const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo };
    const { axis, batchDims } = args.attrs as { axis: number; batchDims: number };
    const xv = f32(backend, x);
    const iv = indices.dtype === 'int32' ? backend.data.get(indices.dataId)?.values : null;
    if (!xv || !(iv instanceof Int32Array) || batchDims !== 0 || util.parseAxisParam(axis, x.shape)[0] !== 0 || x.shape.length < 1) return fallback(args);
    const rows = x.shape[0]!;
    const row = xv.length / Math.max(rows, 1);
    for (const id of iv) if (id < 0 || id >= rows) return fallback(args); // the cpu kernel reports the bad index
    const out = alloc(backend, iv.length * row);
    for (let i = 0; i < iv.length; i++) out.set(xv.subarray(iv[i]! * row, (iv[i]! + 1) * row), i * row);
    return output(backend, [...indices.shape, ...x.shape.slice(1)], out);
  },
};

export const copyKernels: NativeKernel[] = [sliceKernel, splitKernel, concatKernel, gatherKernel];
