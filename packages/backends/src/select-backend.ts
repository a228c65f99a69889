// Chooses, loads and activates a TensorFlow.js backend for an app. Optional backends (tfjs-node,
// tfjs-node-gpu, @difflm/backend-native) are imported by name only when asked for, so a missing one
// costs nothing; a missing backend that was explicitly requested is an Error saying how to install it.
import { BACKEND_NAMES, parseBackendName, type BackendName, type ConcreteBackend } from './backend-names.js';
import { BACKEND_PACKAGES, installHint } from './install-hints.js';

export type Tf = typeof import('@tensorflow/tfjs');

export interface SelectedBackend {
  readonly name: ConcreteBackend;
  /** One line for CLIs, e.g. "wasm (WebAssembly, SIMD on, 1 thread) · tfjs 4.22.0". */
  readonly description: string;
  /** The TensorFlow.js namespace the backend is active in (use it for tensors and gradients). */
  readonly tf: Tf;
  /** What ran, as plain values for a run directory: backend, tfjs version and, on native, the kernel and threads. */
  readonly environment: Readonly<Record<string, string | number | boolean | null>>;
}

export interface SelectBackendOptions {
  /** Module loader (default: dynamic import); tests inject one to simulate installed or missing packages. */
  readonly importModule?: (specifier: string) => Promise<unknown>;
}

/** The parts of @difflm/backend-native used here (it is an optional peer, so it is typed structurally). */
interface NativeModule {
  registerNativeKernels(tf: Tf): boolean;
  nativeInfo(): { available: true; corename: string; threads: number; origin?: string } | { available: false; reason: string };
}

/** An optional backend that could not be loaded, with why. */
class BackendUnavailable extends Error {
  constructor(readonly backend: ConcreteBackend, readonly reason: string) {
    super(`backend '${backend}' is not available: ${reason}; ${installHint(backend, reason)}`);
  }
}

const defaultImport = (specifier: string): Promise<unknown> => import(/* @vite-ignore */ specifier);

function isNotInstalled(error: unknown, specifier: string): boolean {
  const e = error as { code?: string; message?: string };
  return (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') && (e.message ?? '').includes(specifier);
}

async function loadOptional(load: (s: string) => Promise<unknown>, backend: ConcreteBackend): Promise<unknown> {
  const specifier = BACKEND_PACKAGES[backend];
  try {
    return await load(specifier);
  } catch (error) {
    if (isNotInstalled(error, specifier)) throw new BackendUnavailable(backend, `${specifier} is not installed`);
    throw new BackendUnavailable(backend, `${specifier} is installed but failed to load (${String((error as Error).message).split('\n')[0]})`);
  }
}

async function activate(tf: Tf, backend: ConcreteBackend, registeredName: string = backend): Promise<void> {
  const ok = await tf.setBackend(registeredName);
  if (!ok) throw new BackendUnavailable(backend, `TensorFlow.js could not initialise its '${registeredName}' backend`);
  await tf.ready();
}

/** tfjs-node, or else tfjs-node-gpu (which also runs on the CPU when it finds no GPU). */
async function loadTensorflowCpu(load: (s: string) => Promise<unknown>): Promise<{ tf: Tf; pkg: string }> {
  try {
    return { tf: (await loadOptional(load, 'tensorflow')) as Tf, pkg: BACKEND_PACKAGES.tensorflow };
  } catch (error) {
    try {
      return { tf: (await load(BACKEND_PACKAGES['tensorflow-gpu'])) as Tf, pkg: BACKEND_PACKAGES['tensorflow-gpu'] };
    } catch {
      throw error;
    }
  }
}

async function loadBackend(name: ConcreteBackend, load: (s: string) => Promise<unknown>): Promise<SelectedBackend> {
  if (name === 'tensorflow' || name === 'tensorflow-gpu') {
    // tfjs-node(-gpu) re-exports @tensorflow/tfjs and registers the 'tensorflow' backend on import.
    const { tf, pkg } = name === 'tensorflow' ? await loadTensorflowCpu(load) : { tf: (await loadOptional(load, name)) as Tf, pkg: BACKEND_PACKAGES[name] };
    await activate(tf, name, 'tensorflow');
    const usingGpu = Boolean((tf.backend() as unknown as { isUsingGpuDevice?: boolean }).isUsingGpuDevice);
    if (name === 'tensorflow-gpu' && !usingGpu) {
      throw new BackendUnavailable(name, '@tensorflow/tfjs-node-gpu loaded but found no usable GPU (check the NVIDIA driver, CUDA and cuDNN libraries on the library path)');
    }
    const description = `${name} (TensorFlow C library via ${pkg}, ${usingGpu ? 'GPU' : 'CPU'}) · tfjs ${tf.version.tfjs}`;
    return { name, description, tf, environment: { backend: name, tfjs: tf.version.tfjs, gpu: usingGpu } };
  }
  const tf = (await load('@tensorflow/tfjs')) as Tf;
  if (name === 'cpu') {
    await activate(tf, 'cpu');
    return { name, description: `cpu (plain JavaScript kernels; slow, for checks) · tfjs ${tf.version.tfjs}`, tf, environment: { backend: name, tfjs: tf.version.tfjs } };
  }
  if (name === 'wasm') {
    await loadOptional(load, 'wasm');
    await activate(tf, 'wasm');
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    return { name, description: `wasm (WebAssembly, SIMD ${simd ? 'on' : 'off'}, ${threads ? 'multi-threaded' : '1 thread'}) · tfjs ${tf.version.tfjs}`, tf, environment: { backend: name, tfjs: tf.version.tfjs, simd: Boolean(simd), multithreaded: Boolean(threads) } };
  }
  const native = (await loadOptional(load, 'native')) as Partial<NativeModule>;
  if (typeof native.registerNativeKernels !== 'function' || typeof native.nativeInfo !== 'function') {
    throw new BackendUnavailable('native', '@difflm/backend-native is installed but does not export registerNativeKernels and nativeInfo (a version mismatch or an unbuilt package)');
  }
  const info = native.nativeInfo();
  if (!info.available || !native.registerNativeKernels(tf)) {
    throw new BackendUnavailable('native', info.available ? 'its kernels could not be registered' : info.reason);
  }
  await activate(tf, 'native');
  return {
    name, description: `native (cpu backend with OpenBLAS kernels, ${info.corename}, ${info.threads} thread${info.threads === 1 ? '' : 's'}) · tfjs ${tf.version.tfjs}`, tf,
    environment: { backend: name, tfjs: tf.version.tfjs, kernel: `OpenBLAS ${info.corename}`, threads: info.threads, addon: info.origin ?? null },
  };
}

/**
 * Whether a backend could be selected here, without activating it (for plans and dry runs). Loads the package
 * (native: reads its build state); a GPU backend's device is only checked by selectBackend.
 */
export async function probeBackend(name: ConcreteBackend, opts: SelectBackendOptions = {}): Promise<{ available: true } | { available: false; reason: string }> {
  const load = opts.importModule ?? defaultImport;
  try {
    if (name === 'cpu') await load('@tensorflow/tfjs');
    else if (name === 'tensorflow') await loadTensorflowCpu(load);
    else {
      const mod = await loadOptional(load, name);
      if (name === 'native') {
        const native = mod as Partial<NativeModule>;
        if (typeof native.nativeInfo !== 'function') return { available: false, reason: '@difflm/backend-native does not export nativeInfo (a version mismatch or an unbuilt package)' };
        const info = native.nativeInfo();
        if (!info.available) return { available: false, reason: info.reason };
      }
    }
    return { available: true };
  } catch (error) {
    if (error instanceof BackendUnavailable) return { available: false, reason: error.reason };
    return { available: false, reason: String((error as Error).message).split('\n')[0]! };
  }
}

let current: SelectedBackend | undefined;

/**
 * Load and activate a backend. 'auto' tries tensorflow-gpu (only when a GPU works), tensorflow, native,
 * wasm, then cpu, and skips the ones that are not installed. A named backend that is missing throws an
 * Error with the install command.
 */
export async function selectBackend(name: BackendName | (string & {}) = 'auto', opts: SelectBackendOptions = {}): Promise<SelectedBackend> {
  const requested = parseBackendName(name);
  const load = opts.importModule ?? defaultImport;
  if (requested !== 'auto') {
    current = await loadBackend(requested, load);
    return current;
  }
  const skipped: string[] = [];
  for (const candidate of BACKEND_NAMES) {
    try {
      current = await loadBackend(candidate, load);
      return current;
    } catch (error) {
      if (!(error instanceof BackendUnavailable)) throw error;
      skipped.push(`${candidate}: ${error.reason}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could be loaded (${skipped.join('; ')})`);
}

/** One line describing the backend chosen by the last selectBackend call (for CLI banners and logs). */
export function describeBackend(): string {
  return current ? current.description : 'no backend selected yet (call selectBackend first)';
}
