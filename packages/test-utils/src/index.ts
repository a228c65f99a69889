export { sharedDir, sharedPath, sharedSkipReason, REPO_ROOT } from './shared-data.js';
export { useBackend, expectNoLeaks, tf, type TestBackend } from './tf-backend.js';
export { SWIFTSHADER_ICD, softwareVulkanEnv, swiftShaderInstalled, useSoftwareVulkan } from './software-vulkan.js';
export { relativeL2, worstRelativeL2 } from './compare.js';
