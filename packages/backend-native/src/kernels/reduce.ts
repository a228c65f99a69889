// Sum / Mean / Min (attr `axis`) and Max (attr `reductionIndices`) on float32. Size-1 dims are ignored and
// neighbouring axes of the same kind merged, so most reductions become "reduce inner rows" or "reduce leading rows";
// anything else is transposed natively to [kept, reduced] first.
import { backend_util, util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.js';
import { NativeBackend } from '../native-backend.js';
import { alloc, f32, output, sizeOf, type NativeKernel } from './native-kernel.js';

/** Op codes of native/reduce.cc. */
const reduceOps = { Sum: 0, Max: 1, Min: 2, Mean: 3 } as const;

/** Up to this many leading kept rows, a [K1, R, K2] reduction runs as K1 leading-row reductions. */
const maxMiddleBlocks = 64;

function reduceInto(backend: MathBackendCPU, addon: NativeAddon, op: number, x: Float32Array, shape: number[], axes: number[], out: Float32Array): void {
  const segs: { size: number; reduced: boolean }[] = [];
  shape.forEach((size, d) => {
    if (size === 1) return;
    const reduced = axes.includes(d);
    const last = segs[segs.length - 1];
    if (last && last.reduced === reduced) last.size *= size;
    else segs.push({ size, reduced });
  });
  const kinds = segs.map((s) => (s.reduced ? 'R' : 'K')).join('');
  if (kinds === '' || kinds === 'K') {
    out.set(x);
  } else if (kinds === 'R') {
    addon.reduceInner(op, x, out, 1, segs[0]!.size);
  } else if (kinds === 'KR') {
    addon.reduceInner(op, x, out, segs[0]!.size, segs[1]!.size);
  } else if (kinds === 'RK') {
    addon.reduceOuter(op, x, out, segs[0]!.size, segs[1]!.size);
  } else if (kinds === 'KRK' && segs[0]!.size <= maxMiddleBlocks) {
    const [k1, r, k2] = [segs[0]!.size, segs[1]!.size, segs[2]!.size];
    for (let i = 0; i < k1; i++) addon.reduceOuter(op, x.subarray(i * r * k2, (i + 1) * r * k2), out.subarray(i * k2, (i + 1) * k2), r, k2);
  } else {
    const kept = shape.map((_, d) => d).filter((d) => !axes.includes(d));
    const perm = [...kept, ...axes];
    const moved = alloc(backend, x.length);
    addon.transpose(x, Int32Array.from(shape), Int32Array.from(perm), moved);
    const inner = sizeOf(axes.map((d) => shape[d]!));
    addon.reduceInner(op, moved, out, x.length / inner, inner);
    if (backend instanceof NativeBackend) backend.release(moved);
  }
}

function reduceKernel(kernelName: keyof typeof reduceOps, axisAttr: 'axis' | 'reductionIndices'): NativeKernel {
  const op = reduceOps[kernelName];
  return {
    kernelName,
    make: (addon, fallback): KernelFunc => (args) => {
      const backend = args.backend as MathBackendCPU;
      const { x } = args.inputs as { x: TensorInfo };
      const attrs = args.attrs as Record<string, unknown>;
      const xv = f32(backend, x);
      if (!xv || xv.length === 0) return fallback(args);
      const axes = util.parseAxisParam(attrs[axisAttr] as number | number[], x.shape).sort((p, q) => p - q);
      const keptShape = x.shape.filter((_, d) => !axes.includes(d));
      const out = alloc(backend, sizeOf(keptShape));
      reduceInto(backend, addon, op, xv, x.shape, axes, out);
      const shape = attrs['keepDims'] ? backend_util.expandShapeToKeepDim(keptShape, axes) : keptShape;
      return output(backend, shape, out);
    },
  };
}

export const reduceKernels: NativeKernel[] = [
  reduceKernel('Sum', 'axis'),
  reduceKernel('Mean', 'axis'),
  reduceKernel('Max', 'reductionIndices'),
  reduceKernel('Min', 'axis'),
];
