// What to tell a user whose requested backend is missing: the exact install command and its requirements.
import type { ConcreteBackend } from './backend-names.js';

/** The package that provides each backend. */
export const BACKEND_PACKAGES: Record<ConcreteBackend, string> = {
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs',
  native: '@difflm/backend-native',
  tensorflow: '@tensorflow/tfjs-node',
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
};

/** One sentence: how to install the backend and what it needs (`reason`: why it is unavailable, when known). */
export function installHint(name: ConcreteBackend, reason = ''): string {
  if (name === 'native' && /not built|build skipped|failed to load/.test(reason)) {
    return 'install libopenblas-dev, a C++ compiler and python3, then rebuild it with `npm rebuild @difflm/backend-native` (or choose --backend wasm)';
  }
  switch (name) {
    case 'tensorflow-gpu':
      return 'install it with `npm install @tensorflow/tfjs-node-gpu@4.22.0` (Linux x64 with an NVIDIA GPU, CUDA 11.2 and cuDNN 8.1 as required by TensorFlow 2.9, which tfjs-node-gpu 4.x wraps)';
    case 'tensorflow':
      return 'install it with `npm install @tensorflow/tfjs-node@4.22.0` (downloads the TensorFlow C library for Linux, macOS or Windows x64 at install time)';
    case 'native':
      return 'install it with `npm install @difflm/backend-native` (builds a Node-API addon over OpenBLAS at install time: needs a C++ toolchain, python3 and libopenblas-dev)';
    case 'wasm':
      return 'reinstall it with `npm install @tensorflow/tfjs-backend-wasm@4.22.0`';
    case 'cpu':
      return 'reinstall it with `npm install @tensorflow/tfjs@4.22.0`';
  }
}
