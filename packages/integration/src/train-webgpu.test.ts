// `difflm train --backend webgpu`: a run trains on TensorFlow.js's WebGPU backend (here on SwiftShader, the software
// Vulkan driver Debian's chromium ships, with libvulkan1), writes its checkpoints and held-out evaluation, names the
// adapter in one line, and its loss curve follows the cpu backend's over the first steps.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SWIFTSHADER_ICD } from '@difflm/test-utils';
import { embeddedCorpus, removeTempDirs, tempDir, tinyRunConfig } from './fixtures.js';

const bin = join(dirname(createRequire(import.meta.url).resolve('@difflm/cli/package.json')), 'dist', 'bin.js');
const icd = SWIFTSHADER_ICD;
const title = existsSync(icd) ? 'difflm train --backend webgpu (SwiftShader)' : `difflm train --backend webgpu (SKIPPED: no ${icd}; Debian's chromium ships SwiftShader's Vulkan driver)`;

describe.skipIf(!existsSync(icd))(title, () => {
  afterAll(removeTempDirs);

  it('trains, checkpoints and evaluates, and follows the cpu backend\'s loss curve', async () => {
    const data = await embeddedCorpus();
    const dir = tempDir('difflm-train-webgpu-');
    const config = tinyRunConfig(data.dir, data.vocabSize, { model: { vocabSize: data.vocabSize, seqLen: 16, dModel: 16, nLayers: 1, nHeads: 2 }, seqLen: 16, budget: { steps: 6 }, checkpointEvery: 3, schedule: { peakLr: 0.1, warmupSteps: 2 } });
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    const env = { ...process.env, VK_ICD_FILENAMES: icd, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? dir };
    const train = (backend: string) => spawnSync(process.execPath, [bin, 'train', '--config', join(dir, 'config.json'), '--run-dir', join(dir, backend), '--backend', backend], { encoding: 'utf8', env, timeout: 240_000 });
    const gpu = train('webgpu');
    expect(gpu.status, gpu.stderr).toBe(0);
    expect(gpu.stdout + gpu.stderr).toMatch(/webgpu \(google swiftshader .*\(software\), max buffer \d+ MiB, storage binding \d+ MiB, workgroup storage \d+ KiB\)/);
    const cpu = train('cpu');
    expect(cpu.status, cpu.stderr).toBe(0);
    const losses = (backend: string): number[] => readFileSync(join(dir, backend, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { loss: number }).loss);
    const [g, c] = [losses('webgpu'), losses('cpu')];
    expect(g).toHaveLength(6);
    g.forEach((l, i) => expect(Math.abs(l - c[i]!) / c[i]!, `step ${i + 1}: ${l} against ${c[i]}`).toBeLessThan(1e-3));
    // Checkpoints at steps 3 and 6 and the final held-out evaluation, as on cpu.
    const evals = (backend: string) => readFileSync(join(dir, backend, 'eval.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step: number; elbo: number });
    const [ge, ce] = [evals('webgpu').at(-1)!, evals('cpu').at(-1)!];
    expect(ge.step).toBe(6);
    expect(Math.abs(ge.elbo - ce.elbo) / ce.elbo).toBeLessThan(1e-3);
    // auto does not pick a software adapter.
    const auto = spawnSync(process.execPath, [bin, 'train', '--config', join(dir, 'config.json'), '--run-dir', join(dir, 'auto'), '--backend', 'auto'], { encoding: 'utf8', env, timeout: 240_000 });
    expect(auto.status, auto.stderr).toBe(0);
    expect(auto.stdout + auto.stderr).not.toMatch(/webgpu \(/);
  }, 300_000);
});
