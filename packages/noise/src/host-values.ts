// Tensors built from host arrays can keep those arrays beside them (tensors are immutable, so the copy stays true):
// the host-side parts of corruption and of the loss then read them without a synchronous device read, which
// TensorFlow.js's WebGPU backend cannot do in Node once the data lives on the GPU. Any other tensor is read with
// dataSync as before.
import type { Tensor } from '@tensorflow/tfjs-core';

type HostArray = Int32Array | Float32Array;
const mirrors = new WeakMap<Tensor, HostArray>();

/** Remember `values` (not to be modified afterwards) as the contents of `t`, which was made from them. */
export function withHostValues<T extends Tensor>(t: T, values: HostArray): T {
  if (values.length !== t.size) throw new Error(`withHostValues: ${values.length} values for a tensor of ${t.size}`);
  mirrors.set(t, values);
  return t;
}

/** The tensor's values: its host copy when one was remembered, else a synchronous read. */
export function hostValues(t: Tensor): ArrayLike<number> {
  return mirrors.get(t) ?? (t.dataSync() as ArrayLike<number>);
}
