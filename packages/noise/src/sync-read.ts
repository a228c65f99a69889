// Whether the active TensorFlow.js backend can read a computed tensor back synchronously. Every backend can, except
// WebGPU where there is no OffscreenCanvas (Node): there a check that needs a synchronous read is left to the caller,
// which reads its results asynchronously anyway (the trainer checks the loss it reads for finiteness).
import * as tf from '@tensorflow/tfjs-core';

export function canReadSync(): boolean {
  return !(tf.getBackend() === 'webgpu' && typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas === 'undefined');
}
