// WebGPU reports a kernel it rejects (a shader that fails validation, a pipeline over the device's limits) as an
// uncaptured error event and carries on: the kernel's output is left unwritten, and TensorFlow.js reads it as zeros.
// A run on such numbers would look normal and be wrong, so a run process stops on the first one, naming it.

interface DeviceLike { addEventListener(type: 'uncapturederror', listener: (e: { error?: { message?: string } }) => void): void }

/** Thrown (outside any promise chain, so the process's error handler reports it) on the first rejected kernel. */
export class WebGpuKernelError extends Error {
  override name = 'WebGpuKernelError';
}

const watched = new WeakSet<object>();

/**
 * Watch the device of TensorFlow.js's active 'webgpu' backend (`tf.backend()`): on its first uncaptured error call
 * `onError` with a one-line Error (by default it is thrown on the next tick). Calling it again for the same device does
 * nothing; a backend without a device (not webgpu) is ignored.
 */
export function failOnGpuErrors(backend: unknown, onError: (e: WebGpuKernelError) => void = (e) => process.nextTick(() => { throw e; })): void {
  const device = (backend as { device?: DeviceLike } | null)?.device;
  if (!device || typeof device.addEventListener !== 'function' || watched.has(device)) return;
  watched.add(device);
  let reported = false;
  device.addEventListener('uncapturederror', (event) => {
    if (reported) return;
    reported = true;
    const first = String(event.error?.message ?? 'unknown error').split('\n')[0]!.trim();
    onError(new WebGpuKernelError(`WebGPU rejected a kernel, so its results would be wrong: ${first}`));
  });
}
