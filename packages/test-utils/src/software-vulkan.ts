// WebGPU in tests on machines without a GPU: Debian's chromium package ships SwiftShader's Vulkan driver, on which Dawn
// (the webgpu package) gives a software adapter. One place for its path and the environment it needs.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** SwiftShader's Vulkan ICD file as Debian's chromium installs it. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Whether SwiftShader's driver is on disk here. */
export const swiftShaderInstalled = (): boolean => existsSync(SWIFTSHADER_ICD);

/**
 * The environment a process needs to find a Vulkan driver: `env` as it is where it names one already, else with
 * VK_ICD_FILENAMES pointing at SwiftShader (where installed), and XDG_RUNTIME_DIR set either way (Dawn wants one).
 */
export function softwareVulkanEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, XDG_RUNTIME_DIR: env.XDG_RUNTIME_DIR ?? tmpdir() };
  if (!env.VK_ICD_FILENAMES && swiftShaderInstalled()) out.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  return out;
}

/** Set this process's environment as softwareVulkanEnv says (before WebGPU starts). */
export function useSoftwareVulkan(): void {
  const env = softwareVulkanEnv();
  process.env.XDG_RUNTIME_DIR = env.XDG_RUNTIME_DIR!;
  if (env.VK_ICD_FILENAMES) process.env.VK_ICD_FILENAMES = env.VK_ICD_FILENAMES;
}
