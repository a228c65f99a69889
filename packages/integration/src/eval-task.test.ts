// `difflm eval --task`: the shipped cloze task is what its recipe builds from the embedded corpus's held-out split,
// and scoring a run on it from the command line gives accuracies with standard errors, the same under one seed.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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

  it('--generate: generative perplexity under a reference run, entropy, distinct-n per sampler and step count; the same seed, the same numbers', async () => {
    const tmp = tempDir('difflm-eval-gen-');
    const small = { model: { vocabSize: data.vocabSize, seqLen: 32, dModel: 16, nLayers: 1, nHeads: 2 }, seqLen: 32, budget: { steps: 10 } };
    const diffusion = join(tmp, 'masked'), ar = join(tmp, 'ar');
    await runTraining({ runDir: diffusion, config: tinyRunConfig(data.dir, data.vocabSize, small), components: defaultRunComponents() });
    await runTraining({ runDir: ar, config: tinyRunConfig(data.dir, data.vocabSize, { ...small, model: { ...small.model, causal: true }, objective: { kind: 'autoregressive' } }), components: defaultRunComponents() });
    const run = () => spawnSync(process.execPath, [bin, 'eval', '--run-dir', diffusion, '--generate', '3', '--reference', ar, '--sampler', 'ancestral,adaptive', '--steps', '4,8', '--backend', 'wasm', '--json'], { encoding: 'utf8', timeout: 120_000 });
    const a = run();
    expect(a.status, a.stderr).toBe(0);
    type Row = Record<string, number | string | null>;
    const out = JSON.parse(a.stdout) as { rows: Row[]; reference: string };
    expect(out.reference).toBe(ar);
    expect(out.rows.map((r) => [r.sampler, r.steps])).toEqual([['ancestral', 4], ['ancestral', 8], ['adaptive', 4], ['adaptive', 8]]);
    for (const r of out.rows) {
      expect(r.genPerplexity as number).toBeGreaterThan(1);
      expect(r.masksLeft).toBe(0);
      for (const k of ['distinct1', 'distinct2', 'distinct3']) expect(r[k] as number).toBeGreaterThan(0);
      expect(r.distinct1 as number).toBeLessThanOrEqual(r.distinct2 as number);
    }
    const strip = (rows: Row[]) => rows.map(({ tokensPerSec: _, ...r }) => r);
    expect(strip((JSON.parse(run().stdout) as { rows: Row[] }).rows)).toEqual(strip(out.rows));
    // `sample --trace`: every step of the generation, from all masks to the sample, and the same sample as without it.
    const sample = (extra: string[]) => JSON.parse(spawnSync(process.execPath, [bin, 'sample', '--run-dir', diffusion, '--num-samples', '1', '--steps', '6', '--backend', 'wasm', '--json', ...extra], { encoding: 'utf8', timeout: 120_000 }).stdout) as { samples: { tokens: number[] }[]; trace?: { evaluation: number; done: boolean; texts: string[] }[] };
    const traced = sample(['--trace']);
    expect(traced.samples).toEqual(sample([]).samples);
    expect(traced.trace!.map((t) => t.done)).toEqual([false, false, false, false, false, false, true]);
    expect(traced.trace![0]!.texts[0]).toBe('<|mask|>'.repeat(32));
    expect(traced.trace!.at(-1)!.texts[0]).not.toContain('<|mask|>');
    const bad = spawnSync(process.execPath, [bin, 'eval', '--run-dir', diffusion, '--sampler', 'adaptive'], { encoding: 'utf8' });
    expect(bad.stderr.trim()).toBe('difflm eval: --sampler goes with --generate; add --generate <n> or drop it');
    // --plot: generative perplexity and tokens/s against steps, a PNG written whole; a bad name is refused before any work.
    const png = join(tmp, 'gen.png');
    const plotted = spawnSync(process.execPath, [bin, 'eval', '--run-dir', diffusion, '--generate', '2', '--reference', ar, '--steps', '2,4', '--plot', png, '--backend', 'wasm'], { encoding: 'utf8', timeout: 120_000 });
    expect(plotted.status, plotted.stderr).toBe(0);
    expect(Array.from(readFileSync(png).subarray(1, 4)).map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    expect(readdirSync(tmp).filter((f) => f.includes('.tmp-'))).toEqual([]);
    const badPlot = spawnSync(process.execPath, [bin, 'eval', '--run-dir', diffusion, '--generate', '2', '--plot', join(tmp, 'gen.jpg')], { encoding: 'utf8' });
    expect(badPlot.status).toBe(1);
    expect(badPlot.stderr.trim()).toBe(`difflm eval: --plot ${join(tmp, 'gen.jpg')}: give a file name ending in .png or .svg`);
  }, 240_000);

  it('sample: the prefix cache changes no sample; tokens per step sets the step count; --stop-at-eos and --min-length end samples at a document separator', async () => {
    const tmp = tempDir('difflm-sample-controls-');
    const diffusion = join(tmp, 'masked'), ar = join(tmp, 'ar');
    const small = { model: { vocabSize: data.vocabSize, seqLen: 32, dModel: 16, nLayers: 1, nHeads: 2 }, seqLen: 32, budget: { steps: 10 } };
    await runTraining({ runDir: diffusion, config: tinyRunConfig(data.dir, data.vocabSize, small), components: defaultRunComponents() });
    await runTraining({ runDir: ar, config: tinyRunConfig(data.dir, data.vocabSize, { ...small, model: { ...small.model, causal: true }, objective: { kind: 'autoregressive' } }), components: defaultRunComponents() });
    type Out = { samples: { tokens: number[] }[]; trace?: { done: boolean }[] };
    const sample = (dir: string, extra: string[]): Out => {
      const r = spawnSync(process.execPath, [bin, 'sample', '--run-dir', dir, '--num-samples', '3', '--backend', 'wasm', '--json', ...extra], { encoding: 'utf8', timeout: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Out;
    };
    const blockwise = ['--prompt', 'The ', '--block-length', '8', '--steps', '4', '--sampler', 'adaptive'];
    expect(sample(diffusion, blockwise).samples).toEqual(sample(diffusion, [...blockwise, '--no-prefix-cache']).samples);
    // 32 tokens in blocks of 8 at 2 tokens per step: 4 steps per block, 16 model calls, then the end.
    expect(sample(diffusion, ['--block-length', '8', '--tokens-per-step', '2', '--sampler', 'adaptive', '--trace']).trace!.length).toBe(17);
    const { eos } = (await (await import('@difflm/data')).openShards(data.dir).tokenizer()).special;
    for (const dir of [diffusion, ar]) {
      for (const s of sample(dir, ['--stop-at-eos', '--min-length', '3', '--temperature', '1.5']).samples) {
        const generated = dir === ar ? s.tokens.slice(1) : s.tokens; // the AR run starts after a document separator
        expect(generated.slice(0, 3)).not.toContain(eos);
        const at = generated.indexOf(eos, 3);
        expect(generated.length).toBe(at < 0 ? (dir === ar ? 31 : 32) : at + 1);
      }
    }
    const bad = spawnSync(process.execPath, [bin, 'sample', '--run-dir', diffusion, '--min-length', '3'], { encoding: 'utf8' });
    expect(bad.stderr.trim()).toBe('difflm sample: --min-length needs --stop-at-eos (it keeps the end-of-sequence token out of the first tokens)');
    const both = spawnSync(process.execPath, [bin, 'sample', '--run-dir', diffusion, '--steps', '3', '--tokens-per-step', '2'], { encoding: 'utf8' });
    expect(both.stderr.trim()).toBe('difflm sample: --steps and --tokens-per-step set the same thing; give one of them');
  }, 240_000);
});
