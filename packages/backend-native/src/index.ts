export { registerNativeKernels, nativeKernels, type RegisterNativeOptions } from './register.js';
export { NativeBackend } from './native-backend.js';
export { isNativeAvailable, nativeInfo, type NativeInfo } from './native-info.js';
export type { OpenBlasInfo, NativeAddon } from './addon.js';
export { loadAddon } from './addon.js';
export type { NativeKernel } from './kernels/native-kernel.js';
