// Without a usable adapter, webgpuInfo says what is missing in one line instead of failing later inside TensorFlow.js.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.js');

describe('webgpu unavailable', () => {
  it.skipIf(!existsSync(dist))(existsSync(dist) ? 'names a Vulkan driver file that does not exist' : 'names a Vulkan driver file that does not exist (SKIPPED: the package is not built)', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `import { webgpuInfo, startWebGpu } from ${JSON.stringify(dist)}; console.log(JSON.stringify(await webgpuInfo())); await startWebGpu().catch((e) => console.log(e.message));`], { encoding: 'utf8', env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/vk_icd.json' }, timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const [info, thrown] = r.stdout.trim().split('\n');
    expect(JSON.parse(info!)).toEqual({ available: false, reason: 'VK_ICD_FILENAMES names a driver file that does not exist (/nonexistent/vk_icd.json)' });
    expect(thrown).toBe('VK_ICD_FILENAMES names a driver file that does not exist (/nonexistent/vk_icd.json)');
  });
});
