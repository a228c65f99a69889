// The backends that ship with @difflm/backends, as plain plug-in values: optional packages (tfjs-node,
// tfjs-node-gpu, @difflm/backend-native) are imported by name only when asked for, so a missing one costs nothing.
import { existsSync, readdirSync } from 'node:fs';
import { BackendUnavailable, defineBackend, type BackendContext, type BackendPlugin, type Tf } from './backend-type.js';

function isNotInstalled(error: unknown, specifier: string): boolean {
  const e = error as { code?: string; message?: string };
  return (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') && (e.message ?? '').includes(specifier);
}

/** Load a backend's package, or throw BackendUnavailable saying whether it is missing or broken. */
export async function loadBackendPackage(b: Pick<BackendPlugin, 'id' | 'packageName' | 'installHint'>, name: string, ctx: BackendContext, specifier = b.packageName): Promise<unknown> {
  try {
    return await ctx.load(specifier);
  } catch (error) {
    const reason = isNotInstalled(error, specifier)
      ? `${specifier} is not installed`
      : `${specifier} is installed but failed to load (${String((error as Error).message).split('\n')[0]})`;
    throw new BackendUnavailable(name, reason, b.installHint(reason));
  }
}

/** Activate a registered TensorFlow.js backend, or throw BackendUnavailable. */
export async function activateBackend(tf: Tf, b: Pick<BackendPlugin, 'installHint'>, name: string, registeredName: string): Promise<void> {
  const ok = await tf.setBackend(registeredName);
  if (!ok) {
    const reason = `TensorFlow.js could not initialise its '${registeredName}' backend`;
    throw new BackendUnavailable(name, reason, b.installHint(reason));
  }
  await tf.ready();
}

const TFJS = '4.22.0';

export const cpuBackend = defineBackend({
  id: 'difflm/cpu', packageName: '@tensorflow/tfjs', autoOrder: 50,
  description: 'plain JavaScript kernels (slow, for checks)',
  installHint: () => `reinstall it with \`npm install @tensorflow/tfjs@${TFJS}\``,
  async create(_o, ctx) {
    const tf = (await loadBackendPackage(cpuBackend, 'cpu', ctx)) as Tf;
    await activateBackend(tf, cpuBackend, 'cpu', 'cpu');
    return { name: 'cpu', description: `cpu (plain JavaScript kernels; slow, for checks) · tfjs ${tf.version.tfjs}`, tf, environment: { backend: 'cpu', tfjs: tf.version.tfjs } };
  },
});

export const wasmBackend = defineBackend({
  id: 'difflm/wasm', packageName: '@tensorflow/tfjs-backend-wasm', autoOrder: 40,
  description: 'WebAssembly kernels (SIMD where the CPU has it)',
  installHint: () => `reinstall it with \`npm install @tensorflow/tfjs-backend-wasm@${TFJS}\``,
  async create(_o, ctx) {
    const tf = (await loadBackendPackage(cpuBackend, 'wasm', ctx)) as Tf;
    await loadBackendPackage(wasmBackend, 'wasm', ctx);
    await activateBackend(tf, wasmBackend, 'wasm', 'wasm');
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    return { name: 'wasm', description: `wasm (WebAssembly, SIMD ${simd ? 'on' : 'off'}, ${threads ? 'multi-threaded' : '1 thread'}) · tfjs ${tf.version.tfjs}`, tf, environment: { backend: 'wasm', tfjs: tf.version.tfjs, simd: Boolean(simd), multithreaded: Boolean(threads) } };
  },
});

/** The parts of @difflm/backend-native used here (it is an optional peer, so it is typed structurally). */
interface NativeModule {
  registerNativeKernels(tf: Tf): boolean;
  nativeInfo(): { available: true; corename: string; threads: number; origin?: string } | { available: false; reason: string };
}

async function nativeModule(ctx: BackendContext): Promise<NativeModule> {
  const native = (await loadBackendPackage(nativeBackend, 'native', ctx)) as Partial<NativeModule>;
  if (typeof native.registerNativeKernels !== 'function' || typeof native.nativeInfo !== 'function') {
    const reason = '@difflm/backend-native is installed but does not export registerNativeKernels and nativeInfo (a version mismatch or an unbuilt package)';
    throw new BackendUnavailable('native', reason, nativeBackend.installHint(reason));
  }
  return native as NativeModule;
}

export const nativeBackend = defineBackend({
  id: 'difflm/native', packageName: '@difflm/backend-native', autoOrder: 30,
  description: 'the cpu backend with OpenBLAS and fused kernels (a Node-API addon)',
  installHint: (reason) => (/not built|build skipped|failed to load/.test(reason)
    ? 'install libopenblas-dev, a C++ compiler and python3, then rebuild it with `npm rebuild @difflm/backend-native` (or choose --backend wasm)'
    : 'install it with `npm install @difflm/backend-native` (builds a Node-API addon over OpenBLAS at install time: needs a C++ toolchain, python3 and libopenblas-dev)'),
  async create(_o, ctx) {
    const tf = (await loadBackendPackage(cpuBackend, 'native', ctx)) as Tf;
    const native = await nativeModule(ctx);
    const info = native.nativeInfo();
    if (!info.available || !native.registerNativeKernels(tf)) {
      const reason = info.available ? 'its kernels could not be registered' : info.reason;
      throw new BackendUnavailable('native', reason, nativeBackend.installHint(reason));
    }
    await activateBackend(tf, nativeBackend, 'native', 'native');
    return {
      name: 'native', description: `native (cpu backend with OpenBLAS kernels, ${info.corename}, ${info.threads} thread${info.threads === 1 ? '' : 's'}) · tfjs ${tf.version.tfjs}`, tf,
      environment: { backend: 'native', tfjs: tf.version.tfjs, kernel: `OpenBLAS ${info.corename}`, threads: info.threads, addon: info.origin ?? null },
    };
  },
  async probe(ctx) {
    const info = (await nativeModule(ctx)).nativeInfo();
    return info.available ? { available: true } : { available: false, reason: info.reason };
  },
});

/** tfjs-node(-gpu) re-exports @tensorflow/tfjs and registers the 'tensorflow' backend on import. */
async function tensorflowSelected(name: string, tf: Tf, pkg: string, b: BackendPlugin, wantGpu: boolean) {
  await activateBackend(tf, b, name, 'tensorflow');
  const usingGpu = Boolean((tf.backend() as unknown as { isUsingGpuDevice?: boolean }).isUsingGpuDevice);
  if (wantGpu && !usingGpu) {
    const reason = '@tensorflow/tfjs-node-gpu loaded but found no usable GPU (check the NVIDIA driver, CUDA and cuDNN libraries on the library path)';
    throw new BackendUnavailable(name, reason, b.installHint(reason));
  }
  return { name, description: `${name} (TensorFlow C library via ${pkg}, ${usingGpu ? 'GPU' : 'CPU'}) · tfjs ${tf.version.tfjs}`, tf, environment: { backend: name, tfjs: tf.version.tfjs, gpu: usingGpu } };
}

export const tensorflowGpuBackend = defineBackend({
  id: 'difflm/tensorflow-gpu', packageName: '@tensorflow/tfjs-node-gpu', autoOrder: 10,
  description: 'the TensorFlow C library on an NVIDIA GPU',
  installHint: () => `install it with \`npm install @tensorflow/tfjs-node-gpu@${TFJS}\` (Linux x64 with an NVIDIA GPU, CUDA 11.2 and cuDNN 8.1 as required by TensorFlow 2.9, which tfjs-node-gpu 4.x wraps)`,
  async create(_o, ctx) {
    const tf = (await loadBackendPackage(tensorflowGpuBackend, 'tensorflow-gpu', ctx)) as Tf;
    return tensorflowSelected('tensorflow-gpu', tf, tensorflowGpuBackend.packageName, tensorflowGpuBackend, true);
  },
});

export const tensorflowBackend = defineBackend({
  id: 'difflm/tensorflow', packageName: '@tensorflow/tfjs-node', autoOrder: 20,
  description: 'the TensorFlow C library on the CPU (tfjs-node, or tfjs-node-gpu without a GPU)',
  installHint: () => `install it with \`npm install @tensorflow/tfjs-node@${TFJS}\` (downloads the TensorFlow C library for Linux, macOS or Windows x64 at install time)`,
  async create(_o, ctx) {
    const { tf, pkg } = await tensorflowCpu(ctx);
    return tensorflowSelected('tensorflow', tf, pkg, tensorflowBackend, false);
  },
  async probe(ctx) {
    await tensorflowCpu(ctx);
    return { available: true };
  },
});

/** tfjs-node, or else tfjs-node-gpu (which also runs on the CPU when it finds no GPU). */
async function tensorflowCpu(ctx: BackendContext): Promise<{ tf: Tf; pkg: string }> {
  try {
    return { tf: (await loadBackendPackage(tensorflowBackend, 'tensorflow', ctx)) as Tf, pkg: tensorflowBackend.packageName };
  } catch (error) {
    try {
      return { tf: (await ctx.load(tensorflowGpuBackend.packageName)) as Tf, pkg: tensorflowGpuBackend.packageName };
    } catch {
      throw error;
    }
  }
}

/** A GPU's Vulkan driver is installed: an ICD manifest that is not a software rasteriser's (SwiftShader, llvmpipe). */
function hardwareVulkanDriver(): boolean {
  const software = /swiftshader|lvp|lavapipe|llvmpipe/i;
  const env = process.env.VK_ICD_FILENAMES ?? process.env.VK_DRIVER_FILES;
  if (env) return env.split(':').some((f) => f && !software.test(f) && existsSync(f));
  const dirs = ['/etc/vulkan/icd.d', '/usr/share/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
  return dirs.some((d) => { try { return readdirSync(d).some((f) => f.endsWith('.json') && !software.test(f)); } catch { return false; } });
}

/** The parts of @difflm/backend-webgpu used here (typed structurally, as the native backend's). */
interface WebGpuModule {
  startWebGpu(): Promise<{ software: boolean; vendor: string; architecture?: string; device: string; description: string; limits: Record<string, number> }>;
  describeAdapter(info: Awaited<ReturnType<WebGpuModule['startWebGpu']>>): string;
  adapterName(info: Awaited<ReturnType<WebGpuModule['startWebGpu']>>): string;
  /** Stop the process on the first kernel the device rejects (its output would read as zeros). */
  failOnGpuErrors?(backend: unknown, onError?: (e: Error) => void): void;
}

export const webgpuBackend = defineBackend({
  id: 'difflm/webgpu', packageName: '@difflm/backend-webgpu', autoOrder: 15,
  description: 'TensorFlow.js\'s WebGPU kernels on Dawn, over any Vulkan driver (auto picks it on a GPU, not on a software adapter)',
  installHint: (reason) => (/Vulkan|adapter|VK_ICD/.test(reason)
    ? 'install the GPU\'s Vulkan driver and libvulkan1 (for a software adapter: Debian\'s chromium, with VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json)'
    : '@difflm/backend-webgpu is part of the difflm repository (packages/backend-webgpu), not yet on npm; it needs the webgpu package (Dawn for Node)'),
  async create(_o, ctx) {
    // auto: look for a GPU's Vulkan driver on disk before loading Dawn (which takes time and prints its own warnings).
    if (ctx.auto && !hardwareVulkanDriver()) throw new BackendUnavailable('webgpu', 'no GPU Vulkan driver found', 'auto uses WebGPU on a GPU; ask for it with --backend webgpu');
    const tf = (await loadBackendPackage(cpuBackend, 'webgpu', ctx)) as Tf;
    const mod = (await loadBackendPackage(webgpuBackend, 'webgpu', ctx)) as Partial<WebGpuModule>;
    if (typeof mod.startWebGpu !== 'function' || typeof mod.describeAdapter !== 'function' || typeof mod.adapterName !== 'function') {
      const reason = '@difflm/backend-webgpu is installed but does not export startWebGpu, describeAdapter and adapterName (a version mismatch or an unbuilt package)';
      throw new BackendUnavailable('webgpu', reason, webgpuBackend.installHint(reason));
    }
    let info;
    try { info = await mod.startWebGpu(); } catch (e) {
      const reason = String((e as Error).message);
      throw new BackendUnavailable('webgpu', reason, webgpuBackend.installHint(reason));
    }
    const adapter = mod.describeAdapter(info);
    if (ctx.auto && info.software) throw new BackendUnavailable('webgpu', `its only adapter is a software one (${adapter})`, 'auto uses WebGPU on a GPU; ask for it with --backend webgpu');
    await activateBackend(tf, webgpuBackend, 'webgpu', 'webgpu');
    mod.failOnGpuErrors?.(tf.backend());
    const onDeviceError = mod.failOnGpuErrors ? (handler: (e: Error) => void) => mod.failOnGpuErrors!(tf.backend(), handler) : undefined;
    return { name: 'webgpu', description: `webgpu (${adapter}) · tfjs ${tf.version.tfjs}`, tf, environment: { backend: 'webgpu', tfjs: tf.version.tfjs, adapter, adapterName: mod.adapterName(info), software: info.software }, ...(onDeviceError ? { onDeviceError } : {}) };
  },
});

/** The built-in backends, fastest first in the order 'auto' tries them. */
export const builtinBackends: readonly BackendPlugin[] = Object.freeze([tensorflowGpuBackend, webgpuBackend, tensorflowBackend, nativeBackend, wasmBackend, cpuBackend]);
