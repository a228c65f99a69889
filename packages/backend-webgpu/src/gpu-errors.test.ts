// A kernel WebGPU rejects (here an AddN binding more storage buffers than a shader may) is reported, not read as zeros.
import { describe, expect, it } from 'vitest';
import { tf, useSoftwareVulkan } from '@difflm/test-utils';
import { failOnGpuErrors, startWebGpu, webgpuInfo, type WebGpuKernelError } from './index.js';

useSoftwareVulkan();
const info = await webgpuInfo();

describe.skipIf(!info.available)(`rejected WebGPU kernels${info.available ? '' : ` (SKIPPED: ${info.reason})`}`, () => {
  it('reports the first one in one line, once, to the latest handler', async () => {
    await startWebGpu();
    await tf.setBackend('webgpu');
    const errors: WebGpuKernelError[] = [];
    const replaced: WebGpuKernelError[] = [];
    failOnGpuErrors(tf.backend(), (e) => replaced.push(e));
    failOnGpuErrors(tf.backend(), (e) => errors.push(e)); // a second watch of the same device replaces the handler
    const ok = tf.addN([tf.scalar(1), tf.scalar(2)]);
    expect((await ok.data())[0]).toBe(3);
    expect(errors).toEqual([]);
    const parts = Array.from({ length: 12 }, (_, i) => tf.scalar(i + 1));
    const bad = tf.addN(parts); // 13 storage buffers; the default limit is 8
    await bad.data();
    for (let i = 0; i < 50 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    expect(errors).toHaveLength(1);
    expect(replaced).toEqual([]);
    expect(errors[0]!.message).toMatch(/^WebGPU rejected a kernel, so its results would be wrong: .*storage buffers/);
    expect(errors[0]!.message).not.toContain('\n');
    tf.dispose([ok, bad, ...parts]);
  }, 60_000);
});
