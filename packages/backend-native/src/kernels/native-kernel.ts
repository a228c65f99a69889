// The shape of one native kernel override and the helpers every override uses to reach the cpu backend's storage.
import type { DataType, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.js';
import { NativeBackend } from '../native-backend.js';

/** A native override: built from the addon and the cpu backend's own kernel, which it calls for anything it does not handle. */
export interface NativeKernel {
  kernelName: string;
  make(addon: NativeAddon, fallback: KernelFunc): KernelFunc;
}

/** The backend's float32 storage of `t`, or null (other dtypes, or a float32 tensor stored as Uint8Array after a bool cast). */
export function f32(backend: MathBackendCPU, t: TensorInfo): Float32Array | null {
  if (t.dtype !== 'float32') return null;
  const values = backend.data.get(t.dataId)?.values;
  return values instanceof Float32Array ? values : null;
}

/** An output array of `size` elements from the backend's pool (the backend owns it once passed to `output`). */
export function alloc(backend: MathBackendCPU, size: number): Float32Array {
  return backend instanceof NativeBackend ? backend.alloc(size) : new Float32Array(size);
}

/** Hand `values` to the backend as a new float32 tensor. */
export function output(backend: MathBackendCPU, shape: number[], values: Float32Array, dtype: DataType = 'float32'): TensorInfo {
  return backend.makeTensorInfo(shape, dtype, values);
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Float32 storage of `t` for a fused kernel's input `name`, copied into a Float32Array when the backend stores it otherwise. */
export function input(backend: MathBackendCPU, t: TensorInfo, kernel: string, name: string): Float32Array {
  if (t.dtype !== 'float32') throw new Error(`${kernel}: input '${name}' must be float32, got ${t.dtype}`);
  return f32(backend, t) ?? Float32Array.from(backend.readSync(t.dataId) as ArrayLike<number>);
}

/** Token ids as int32, each checked to lie in [0, V): the addon indexes rows with them. */
export function tokenIds(backend: MathBackendCPU, t: TensorInfo, kernel: string, name: string, T: number, V: number): Int32Array {
  if (t.dtype !== 'int32') throw new Error(`${kernel}: input '${name}' must be int32, got ${t.dtype}`);
  if (sizeOf(t.shape) !== T) throw new Error(`${kernel}: input '${name}' must have ${T} elements, got shape [${t.shape.join(', ')}]`);
  const stored = backend.data.get(t.dataId)?.values;
  const v = stored instanceof Int32Array ? stored : Int32Array.from(backend.readSync(t.dataId) as ArrayLike<number>);
  for (let i = 0; i < T; i++) {
    if (!(v[i]! >= 0 && v[i]! < V)) throw new Error(`${kernel}: ${name}[${i}] = ${v[i]} is not a token id in [0, ${V})`);
  }
  return v;
}
