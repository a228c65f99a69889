// The native backend: the cpu backend's storage and kernels, plus a pool of output arrays. A fresh Float32Array
// per kernel output costs page faults and Mark-Compact GCs; the pool recycles arrays the native kernels allocated
// once their tensor is disposed. Rules that keep recycling safe:
//  - only arrays this backend allocated are recycled (never user arrays or cpu-kernel outputs);
//  - readSync/read hand out copies of pooled arrays, since user code may keep them after dispose;
//  - an array that a cpu kernel re-used or viewed (Slice's subarray, a shared values array) is pinned: never
//    recycled (the registration wraps every cpu kernel with `pinShared`).
import type { DataType, TensorInfo, backend_util } from '@tensorflow/tfjs-core';
import { totalmem } from 'node:os';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

/**
 * Pooled bytes above which disposed arrays are left to the GC instead. Arrays enter the pool only when their
 * tensor is disposed, so the pool holds memory that was live moments before (a training step frees its
 * activations at the end); the cap bounds what an idle backend keeps.
 */
export const defaultPoolBytes = totalmem() / 3;

type DataId = object;

export class NativeBackend extends MathBackendCPU {
  private readonly owned = new WeakSet<ArrayBufferLike>();
  private readonly pool = new Map<number, Float32Array[]>();
  private pooledBytes = 0;
  private hits = 0;
  private misses = 0;

  /** @param maxPooledBytes the most bytes of disposed arrays kept for reuse (0 turns the pool off). */
  constructor(private readonly maxPooledBytes: number = defaultPoolBytes) {
    super();
    // The cpu backend's first write prints a hint to install tfjs-node; this backend is the fast path itself.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  /** An output array of `size` elements, recycled when possible. Contents are arbitrary: kernels overwrite all of it. */
  alloc(size: number): Float32Array {
    const free = this.pool.get(size);
    const reused = free?.pop();
    if (reused) {
      this.pooledBytes -= reused.byteLength;
      this.hits++;
      return reused;
    }
    this.misses++;
    const fresh = new Float32Array(size);
    if (size > 0) this.owned.add(fresh.buffer);
    return fresh;
  }

  /** Pin (exclude from recycling) any pooled storage a cpu kernel's outputs share. */
  pinShared(outputs: TensorInfo | TensorInfo[]): void {
    for (const t of Array.isArray(outputs) ? outputs : [outputs]) {
      const values = this.data.get(t.dataId)?.values;
      if (values && ArrayBuffer.isView(values)) this.owned.delete(values.buffer);
    }
  }

  /** Output allocations served from the pool (hits) or freshly allocated (misses), and the bytes pooled now. */
  poolStats(): { hits: number; misses: number; pooledBytes: number } {
    return { hits: this.hits, misses: this.misses, pooledBytes: this.pooledBytes };
  }

  override readSync(dataId: DataId): backend_util.BackendValues {
    const values = super.readSync(dataId);
    return values instanceof Float32Array && this.owned.has(values.buffer) ? values.slice() : values;
  }

  override async read(dataId: DataId): Promise<backend_util.BackendValues> {
    return this.readSync(dataId);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const values = this.data.get(dataId)?.values;
    const released = super.disposeData(dataId, force);
    if (released && values instanceof Float32Array) this.release(values);
    return released;
  }

  /**
   * Put `values` in the pool if this backend allocated it (a disposed tensor's storage, or a scratch array from
   * `alloc` that was never handed to a tensor); anything else is left to the GC.
   */
  release(values: Float32Array): void {
    if (!this.owned.has(values.buffer) || values.byteOffset !== 0 || values.byteLength !== values.buffer.byteLength) return;
    if (this.pooledBytes + values.byteLength > this.maxPooledBytes) return;
    const free = this.pool.get(values.length) ?? [];
    free.push(values);
    this.pool.set(values.length, free);
    this.pooledBytes += values.byteLength;
  }

  override dispose(): void {
    this.pool.clear();
    this.pooledBytes = 0;
    super.dispose();
  }

  /** The output tensor for `values` (which must come from `alloc`). */
  output(shape: number[], values: Float32Array, dtype: DataType = 'float32'): TensorInfo {
    return this.makeTensorInfo(shape, dtype, values);
  }
}
