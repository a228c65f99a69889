// Registers the 'native' TensorFlow.js backend: a cpu backend (same storage, same kernels) whose hot kernels
// run in the OpenBLAS addon. The plain 'cpu' backend is left untouched, so both can be compared in one process.
import type * as tfc from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { loadAddon } from './addon.js';
import { defaultPoolBytes, NativeBackend } from './native-backend.js';
import { batchMatMulKernel } from './kernels/batch-matmul.js';
import { binaryKernels } from './kernels/binary.js';
import { fusedKernels } from './kernels/blocks.js';
import { copyKernels } from './kernels/copy-kernels.js';
import type { NativeKernel } from './kernels/native-kernel.js';
import { reduceKernels } from './kernels/reduce.js';
import { softmaxKernel } from './kernels/softmax.js';
import { transposeKernel } from './kernels/transpose.js';
import { unaryKernels } from './kernels/unary.js';

/** Every kernel the native backend overrides. */
export const nativeKernels: readonly NativeKernel[] = [batchMatMulKernel, ...binaryKernels, ...unaryKernels, ...reduceKernels, transposeKernel, softmaxKernel, ...copyKernels];

export interface RegisterNativeOptions {
  /** Backend name to register (default 'native'). */
  backendName?: string;
  /** Registration priority (default 1: below wasm, so selecting it is explicit with tf.setBackend). */
  priority?: number;
  /** Most bytes of disposed output arrays kept for reuse (default: a third of system memory; 0 = no pool). */
  poolBytes?: number;
  /**
   * Threads for large elementwise kernels, the JS thread included. Default: the matrix kernels' count
   * (OPENBLAS_NUM_THREADS, else one per core), the share of the cores this process was given; 1 keeps them on
   * the JS thread.
   */
  elementwiseThreads?: number;
}

/** Wrap a cpu kernel so outputs that share a pooled input's storage (other than by dataId) pin it. */
function pinningShared(kernelFunc: KernelFunc): KernelFunc {
  return (args) => {
    const out = kernelFunc(args);
    const backend = args.backend;
    if (backend instanceof NativeBackend) {
      const inputIds = new Set(Object.values(args.inputs).map((t) => (t as TensorInfo | undefined)?.dataId));
      const outs = (Array.isArray(out) ? out : [out]).filter((t) => !inputIds.has(t.dataId));
      if (outs.length > 0) backend.pinShared(outs);
    }
    return out;
  };
}

type TfCore = Pick<typeof tfc, 'registerBackend' | 'registerKernel' | 'getKernelsForBackend' | 'findBackendFactory'>;

/**
 * Register the native backend on `tf` (the app's @tensorflow/tfjs-core namespace). Returns false, registering
 * nothing, when the addon is not available (see nativeInfo() for why). Safe to call more than once.
 */
export function registerNativeKernels(tf: TfCore, options: RegisterNativeOptions = {}): boolean {
  const { addon } = loadAddon();
  if (!addon) return false;
  const backendName = options.backendName ?? 'native';
  const threads = options.elementwiseThreads ?? addon.info().threads;
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`registerNativeKernels: elementwiseThreads must be an integer >= 1, got ${options.elementwiseThreads}`);
  addon.setElementwiseThreads(threads);
  if (tf.findBackendFactory(backendName)) return true;
  const cpuKernels = tf.getKernelsForBackend('cpu');
  if (cpuKernels.length === 0) throw new Error(`registerNativeKernels: the 'cpu' backend's kernels are not registered on this tf; pass the namespace of the @tensorflow/tfjs-core instance your app uses`);
  const overrides = new Map(nativeKernels.map((k) => [k.kernelName, k]));
  for (const config of cpuKernels) {
    const native = overrides.get(config.kernelName);
    const cpuKernel = pinningShared(config.kernelFunc);
    const kernelFunc = native ? native.make(addon, cpuKernel) : cpuKernel;
    tf.registerKernel({ ...config, backendName, kernelFunc });
  }
  for (const fused of fusedKernels) tf.registerKernel({ kernelName: fused.kernelName, backendName, kernelFunc: fused.make(addon) });
  const poolBytes = options.poolBytes ?? defaultPoolBytes;
  if (!(poolBytes >= 0)) throw new Error(`registerNativeKernels: poolBytes must be a number >= 0, got ${options.poolBytes}`);
  tf.registerBackend(backendName, () => new NativeBackend(poolBytes), options.priority ?? 1);
  return true;
}
