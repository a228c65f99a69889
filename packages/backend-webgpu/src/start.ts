// Start WebGPU in Node: Dawn's `navigator.gpu` from the `webgpu` package, one adapter, then TensorFlow.js's WebGPU
// backend registered on the same tfjs-core. Each way it can fail gives its own reason: the package, the Vulkan loader,
// a driver, an adapter.
import { existsSync } from 'node:fs';
import { registerWebGpuFusedKernels } from './fused-kernels.js';

export interface WebGpuAdapterInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** A software adapter (SwiftShader, llvmpipe/lavapipe, or one Dawn calls a fallback): correct but slow. */
  readonly software: boolean;
  readonly limits: { readonly maxBufferSize: number; readonly maxStorageBufferBindingSize: number; readonly maxComputeWorkgroupStorageSize: number; readonly maxComputeInvocationsPerWorkgroup: number };
}

export type WebGpuInfo = ({ readonly available: true } & WebGpuAdapterInfo) | { readonly available: false; readonly reason: string };

interface GpuLike { requestAdapter(o?: unknown): Promise<AdapterLike | null> }
interface AdapterLike { info?: Record<string, unknown>; isFallbackAdapter?: boolean; limits: Record<string, number> }

const VULKAN_LOADERS = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1', '/usr/lib64/libvulkan.so.1', '/usr/lib/libvulkan.so.1'];
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** An adapter's name: vendor, architecture, device, and whether it is a software one. */
export function adapterName(a: WebGpuAdapterInfo): string {
  return `${[a.vendor, a.architecture, a.device || a.description].filter(Boolean).join(' ') || 'unnamed adapter'}${a.software ? ' (software)' : ''}`;
}

/** The one-line description of an adapter: its name and limits. */
export function describeAdapter(a: WebGpuAdapterInfo): string {
  return `${adapterName(a)}, max buffer ${(a.limits.maxBufferSize / 2 ** 20).toFixed(0)} MiB, storage binding ${(a.limits.maxStorageBufferBindingSize / 2 ** 20).toFixed(0)} MiB, workgroup storage ${(a.limits.maxComputeWorkgroupStorageSize / 1024).toFixed(0)} KiB`;
}

function noAdapterReason(): string {
  const loader = process.platform !== 'linux' || VULKAN_LOADERS.some((p) => existsSync(p)) || (process.env.LD_LIBRARY_PATH ?? '').length > 0;
  if (!loader) return 'no Vulkan loader (libvulkan.so.1): install it (Debian/Ubuntu: apt-get install libvulkan1) and a GPU driver';
  const icd = process.env.VK_ICD_FILENAMES;
  if (icd && !icd.split(':').every((f) => existsSync(f))) return `VK_ICD_FILENAMES names a driver file that does not exist (${icd})`;
  return `no WebGPU adapter: no Vulkan driver answered (install your GPU's driver; for a software adapter, install Debian's chromium and set VK_ICD_FILENAMES=${SWIFTSHADER_ICD} and XDG_RUNTIME_DIR)`;
}

let started: Promise<WebGpuInfo> | undefined;

/** Dawn's navigator.gpu and its adapter (once per process); never throws: an unavailable one says why. */
export function webgpuInfo(): Promise<WebGpuInfo> {
  started ??= (async (): Promise<WebGpuInfo> => {
    let webgpu: { create(flags: string[]): GpuLike; globals: Record<string, unknown> };
    try {
      webgpu = (await import('webgpu')) as unknown as typeof webgpu;
    } catch (e) {
      return { available: false, reason: `the webgpu package (Dawn for Node) failed to load (${String((e as Error).message).split('\n')[0]}); install it with \`npm install webgpu@0.6.2\`` };
    }
    // The WebGPU enums (GPUBufferUsage, GPUMapMode, …) are globals in a browser; TensorFlow.js's backend expects them.
    for (const [k, v] of Object.entries(webgpu.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    const gpu = webgpu.create([]);
    const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
    if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
    else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { available: false, reason: noAdapterReason() };
    const info = (adapter.info ?? {}) as Record<string, unknown>;
    const text = (k: string): string => (typeof info[k] === 'string' ? (info[k] as string) : '');
    const words = `${text('vendor')} ${text('architecture')} ${text('device')} ${text('description')}`.toLowerCase();
    return {
      available: true, vendor: text('vendor'), architecture: text('architecture'), device: text('device'), description: text('description'),
      software: Boolean(adapter.isFallbackAdapter || info.isFallbackAdapter) || /swiftshader|llvmpipe|lavapipe|software/.test(words),
      limits: {
        maxBufferSize: adapter.limits.maxBufferSize ?? 0, maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize ?? 0,
        maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize ?? 0, maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup ?? 0,
      },
    };
  })();
  return started;
}

/**
 * Start WebGPU and register TensorFlow.js's 'webgpu' backend (activate it with tf.setBackend('webgpu')) with the
 * attention block's fused WGSL kernels (fused-kernels.ts). Throws an
 * Error naming what is missing when there is no adapter.
 */
export async function startWebGpu(): Promise<WebGpuAdapterInfo> {
  const info = await webgpuInfo();
  if (!info.available) throw new Error(info.reason);
  await import('@tensorflow/tfjs-backend-webgpu');
  registerWebGpuFusedKernels();
  return info;
}
