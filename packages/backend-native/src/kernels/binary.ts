// Broadcasting binary ops (Add, Sub, Multiply, RealDiv, Maximum, Minimum, SquaredDifference), comparisons
// (Greater, GreaterEqual, Less, LessEqual, Equal, NotEqual) and AddN on float32, and Select with float32 branches.
import { backend_util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.js';
import { alloc, f32, output, sizeOf, type NativeKernel } from './native-kernel.js';

/** Op codes of native/elementwise.cc's binary(). */
const binaryOps = { Add: 0, Sub: 1, Multiply: 2, RealDiv: 3, Maximum: 4, Minimum: 5, SquaredDifference: 6 } as const;

/** A two-input kernel with numpy broadcasting on float32 inputs (anything else goes to the cpu kernel). */
function broadcastingKernel(
  kernelName: string,
  compute: (addon: NativeAddon, backend: MathBackendCPU, av: Float32Array, aShape: Int32Array, bv: Float32Array, bShape: Int32Array, shape: number[]) => TensorInfo,
): NativeKernel {
  return {
    kernelName,
    make: (addon, fallback): KernelFunc => (args) => {
      const backend = args.backend as MathBackendCPU;
      const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
      const av = f32(backend, a);
      const bv = f32(backend, b);
      if (!av || !bv) return fallback(args);
      const shape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      return compute(addon, backend, av, Int32Array.from(a.shape), bv, Int32Array.from(b.shape), shape);
    },
  };
}

const binaryKernel = (kernelName: keyof typeof binaryOps): NativeKernel =>
  broadcastingKernel(kernelName, (addon, backend, av, aShape, bv, bShape, shape) => {
    const out = alloc(backend, sizeOf(shape));
    if (out.length > 0) addon.binary(binaryOps[kernelName], av, aShape, bv, bShape, out, Int32Array.from(shape));
    return output(backend, shape, out);
  });

const addNKernel: NativeKernel = {
  kernelName: 'AddN',
  make: (addon, fallback): KernelFunc => (args) => {
    const backend = args.backend as MathBackendCPU;
    const tensors = args.inputs as unknown as TensorInfo[];
    const values = tensors.map((t) => f32(backend, t));
    const first = tensors[0];
    if (!first || values.some((v) => v === null) || tensors.some((t) => t.shape.join() !== first.shape.join())) return fallback(args);
    const shape = Int32Array.from(first.shape);
    const out = alloc(backend, sizeOf(first.shape));
    if (tensors.length === 1) out.set(values[0]!);
    else addon.binary(binaryOps.Add, values[0]!, shape, values[1]!, shape, out, shape);
    // `out` is ours, so later terms accumulate into it in place.
    for (let i = 2; i < values.length; i++) addon.binary(binaryOps.Add, out, shape, values[i]!, shape, out, shape);
    return output(backend, first.shape, out);
  },
};

/** Op codes of native/elementwise.cc's compare(): float32 inputs, a bool (Uint8Array) output. */
const compareOps = { Greater: 0, GreaterEqual: 1, Less: 2, LessEqual: 3, Equal: 4, NotEqual: 5 } as const;

const compareKernel = (kernelName: keyof typeof compareOps): NativeKernel =>
  broadcastingKernel(kernelName, (addon, backend, av, aShape, bv, bShape, shape) => {
    const out = new Uint8Array(sizeOf(shape));
    if (out.length > 0) addon.compare(compareOps[kernelName], av, aShape, bv, bShape, out, Int32Array.from(shape));
    return backend.makeTensorInfo(shape, 'bool', out);
  });

/** Select (tf.where) with a condition of the same shape as float32 branches; anything else goes to the cpu kernel. */
const selectKernel: NativeKernel = {
  kernelName: 'Select',
  make: (addon, fallback): KernelFunc => (args) => {
    const backend = args.backend as MathBackendCPU;
    const { condition, t, e } = args.inputs as { condition: TensorInfo; t: TensorInfo; e: TensorInfo };
    const cv = backend.data.get(condition.dataId)?.values;
    const tv = f32(backend, t);
    const ev = f32(backend, e);
    const n = sizeOf(t.shape);
    if (!(cv instanceof Uint8Array) || !tv || !ev || cv.length !== n || ev.length !== n) return fallback(args);
    const out = alloc(backend, n);
    if (n > 0) addon.select(cv, tv, ev, out, n);
    return output(backend, t.shape, out);
  },
};

export const binaryKernels: NativeKernel[] = [
  ...(Object.keys(binaryOps) as (keyof typeof binaryOps)[]).map(binaryKernel),
  ...(Object.keys(compareOps) as (keyof typeof compareOps)[]).map(compareKernel),
  selectKernel,
  addNKernel,
];
