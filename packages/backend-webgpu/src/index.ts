// @difflm/backend-webgpu: TensorFlow.js's WebGPU backend in Node, on Dawn (the `webgpu` package) over whatever Vulkan
// driver the machine has — an NVIDIA, AMD or Intel GPU's, or SwiftShader in software (correct, slow; what CI tests on).
// The libraries stay backend-free: @difflm/backends selects this one for `--backend webgpu` (or `auto`, on hardware).
export { startWebGpu, webgpuInfo, adapterName, describeAdapter, type WebGpuInfo, type WebGpuAdapterInfo } from './start.js';
export { registerWebGpuFusedKernels, webgpuFusedKernels } from './fused-kernels.js';
export { failOnGpuErrors, WebGpuKernelError } from './gpu-errors.js';
