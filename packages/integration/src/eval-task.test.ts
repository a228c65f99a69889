// `difflm eval --task`: the shipped cloze task is what its recipe builds from the embedded corpus's held-out split,
// and scoring a run on it from the command line gives accuracies with standard errors, the same under one seed.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@difflm/test-utils';
import { buildClozeItems, CLOZE_DEFAULTS, defaultRunComponents, heldOutDocuments, readTask } from '@difflm/cli';
import { runTraining } from '@difflm/trainer/node';
import { embeddedCorpus, removeTempDirs, tempDir, tinyRunConfig } from './fixtures.js';

const bin = join(dirname(createRequire(import.meta.url).resolve('@difflm/cli/package.json')), 'dist', 'bin.js');

describe('difflm eval --task', () => {
  let data: Awaited<ReturnType<typeof embeddedCorpus>>;
  beforeAll(async () => { await useBackend('wasm'); data = await embeddedCorpus(); });
  afterAll(removeTempDirs);

  it('the shipped cloze task is its recipe applied to the held-out split the runs never train on', async () => {
    const built = buildClozeItems(await heldOutDocuments(data.dir), CLOZE_DEFAULTS);
    expect(built).toEqual(readTask('cloze').items);
  });

  it('scores a run from the command line: accuracy and its standard error, chance, the same under one seed', async () => {
    const runDir = join(tempDir('difflm-eval-task-'), 'run');
    await runTraining({ runDir, config: tinyRunConfig(data.dir, data.vocabSize, { budget: { steps: 20 }, model: { vocabSize: data.vocabSize, seqLen: 64, dModel: 16, nLayers: 1, nHeads: 2 }, seqLen: 64 }), components: defaultRunComponents() });
    const args = ['eval', '--run-dir', runDir, '--task', 'cloze', '--limit', '12', '--levels', '8', '--backend', 'wasm', '--json'];
    const run = () => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env }, timeout: 120_000 });
    const a = run();
    expect(a.status, a.stderr).toBe(0);
    const out = JSON.parse(a.stdout) as Record<string, number | string>;
    expect(out).toMatchObject({ task: 'cloze', layout: 'difflm', items: 12, levels: 8, draws: 1, chance: 0.25 });
    for (const k of ['accuracy', 'normalisedAccuracy']) expect(out[k]).toBeGreaterThanOrEqual(0);
    expect(out.accuracyStandardError).toBeCloseTo(Math.sqrt((Number(out.accuracy) * (1 - Number(out.accuracy))) / 12), 12);
    expect(run().stdout).toBe(a.stdout);
    // Flags of the task only go with --task.
    const stray = spawnSync(process.execPath, [bin, 'eval', '--run-dir', runDir, '--levels', '8'], { encoding: 'utf8' });
    expect(stray.status).toBe(1);
    expect(stray.stderr.trim()).toBe('difflm eval: --levels goes with --task; add --task <file|cloze> or drop it');
  }, 180_000);
});
