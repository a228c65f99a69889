// WebGPU reports a kernel it rejects (a shader that fails validation, a pipeline over the device's limits) as an
// uncaptured error event and carries on: the kernel's output is left unwritten, and TensorFlow.js reads it as zeros.
// A run on such numbers would look normal and be wrong, so a run process stops on the first one, naming it.

interface DeviceLike { addEventListener(type: 'uncapturederror', listener: (e: { error?: { message?: string } }) => void): void }

/** Thrown (outside any promise chain, so the process's error handler reports it) on the first rejected kernel. */
export class WebGpuKernelError extends Error {
  override name = 'WebGpuKernelError';
}

type Handler = (e: WebGpuKernelError) => void;
const handlers = new WeakMap<object, Handler>();
const reported = new WeakSet<Handler>();

/**
 * Watch the device of TensorFlow.js's active 'webgpu' backend (`tf.backend()`): on its first uncaptured error call
 * `onError` with a one-line Error (by default it is thrown on the next tick). Calling it again for the same device
 * replaces the handler (a dry run's measurement catches what a run would stop on); a backend without a device (not
 * webgpu) is ignored.
 */
export function failOnGpuErrors(backend: unknown, onError: Handler = (e) => process.nextTick(() => { throw e; })): void {
  const device = (backend as { device?: DeviceLike } | null)?.device;
  if (!device || typeof device.addEventListener !== 'function') return;
  const listening = handlers.has(device);
  handlers.set(device, onError);
  if (listening) return;
  device.addEventListener('uncapturederror', (event) => {
    const handler = handlers.get(device);
    if (!handler || reported.has(handler)) return;
    reported.add(handler);
    const first = String(event.error?.message ?? '').split('\n').map((l) => l.trim()).find(Boolean) ?? 'unknown error';
    handler(new WebGpuKernelError(`WebGPU rejected a kernel, so its results would be wrong: ${first}`));
  });
}
