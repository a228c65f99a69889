import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@difflm/test-utils';
import { arraySource, patternedTokens, standInMaskedObjective, tinyModel } from '../../test/tiny-model.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint-file.js';
import type { RunComponents } from './run-components.js';
import { readJsonl } from './run-dir.js';
import { runTraining } from './run-training.js';

beforeAll(async () => { await useBackend('cpu'); });
const tmp = mkdtempSync(join(tmpdir(), 'difflm-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const V = 12;
const ids = patternedTokens(8192, V, 11);
const components: RunComponents = {
  createModel: (m, { seed }) => {
    if ((m.dModel as number) % (m.nHeads as number) !== 0) throw new Error('model config: nHeads must divide dModel');
    return tinyModel({ vocabSize: m.vocabSize as number, dModel: m.dModel as number, seqLen: m.seqLen as number, seed });
  },
  openData: ({ dir }) => {
    if (dir !== 'memory') throw new Error(`data directory ${dir} does not exist: run difflm data prepare first`);
    return {
      tokens: { vocabSize: V, maskId: V - 1, padId: null }, bytesPerToken: 1,
      batches: ({ split, batchSize, seqLen }) => arraySource(split === 'train' ? ids.subarray(0, 6144) : ids.subarray(6144), batchSize, seqLen),
    };
  },
  createNoiseObjective: (_spec, tokens) => standInMaskedObjective(tokens.vocabSize),
};
const config = {
  model: { vocabSize: V, dModel: 8, nHeads: 2, seqLen: 8 },
  objective: { kind: 'diffusion', noise: { id: 'test/masked' } },
  schedule: { peakLr: 0.5, warmupSteps: 2 },
  budget: { steps: 10 }, batchSize: 4, seqLen: 8,
  data: { dir: 'memory' }, seed: 5, eval: { batches: 1, levels: 4, every: 5 }, checkpointEvery: 3,
};
const strip = (rows: Record<string, number>[]) => rows.map(({ tokensPerSec: _, ...r }) => r);

describe('runTraining and the run directory', () => {
  it('writes config, metrics per step, eval, checkpoints and a summary', async () => {
    const runDir = join(tmp, 'full');
    const events: string[] = [];
    const r = await runTraining({ runDir, config, components, onProgress: (e) => events.push(e.type) });
    expect(r.steps).toBe(10);
    expect(r.eval!.elbo).toBeGreaterThan(0);
    expect(readJsonl(join(runDir, 'metrics.jsonl'))).toHaveLength(10);
    expect(readJsonl<{ step: number }>(join(runDir, 'eval.jsonl')).map((e) => e.step)).toEqual([5, 10]);
    expect(readdirSync(join(runDir, 'checkpoints'))).toEqual(['step-00000009.ckpt', 'step-00000010.ckpt']);
    expect(JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8')).optimizer.kind).toBe('laprop');
    expect(events.filter((e) => e === 'step')).toHaveLength(10);
  });

  it('a stopped run resumes to the same metrics as the uninterrupted run', async () => {
    const runDir = join(tmp, 'stopped');
    const ctl = new AbortController();
    const stop = await runTraining({ runDir, config, components, signal: ctl.signal, onProgress: (e) => { if (e.type === 'step' && e.metrics.step === 7) ctl.abort(); } });
    expect(stop.stopped).toBe(true);
    const resumed = await runTraining({ runDir, components, resume: true });
    expect(resumed.resumedFrom).toBe(7);
    expect(strip(readJsonl(join(runDir, 'metrics.jsonl')))).toEqual(strip(readJsonl(join(tmp, 'full', 'metrics.jsonl'))));
    expect(readFileSync(join(runDir, 'eval.jsonl'), 'utf8')).toBe(readFileSync(join(tmp, 'full', 'eval.jsonl'), 'utf8'));
    // Resuming the finished run changes nothing and reports the same final evaluation.
    const again = await runTraining({ runDir, components, resume: true });
    expect(again.steps).toBe(10);
    expect(again.eval).toEqual(resumed.eval);
    expect(readFileSync(join(runDir, 'eval.jsonl'), 'utf8')).toBe(readFileSync(join(tmp, 'full', 'eval.jsonl'), 'utf8'));
  });

  it('an abort from a timer or signal handler (a macrotask) stops the run between steps', async () => {
    const runDir = join(tmp, 'timer-abort');
    const ctl = new AbortController();
    let steps = 0;
    const r = await runTraining({ runDir, config: { ...config, budget: { steps: 1000 } }, components, signal: ctl.signal, onProgress: (e) => { if (e.type === 'step' && ++steps === 1) setTimeout(() => ctl.abort(), 0); } });
    expect(r.stopped).toBe(true);
    expect(steps).toBeLessThan(1000);
    expect(readdirSync(join(runDir, 'checkpoints')).length).toBeGreaterThan(0);
  });

  it('resuming truncates metrics written after the last checkpoint', async () => {
    const runDir = join(tmp, 'killed');
    const ctl = new AbortController();
    await runTraining({ runDir, config: { ...config, checkpointEvery: 4 }, components, signal: ctl.signal, onProgress: (e) => { if (e.type === 'step' && e.metrics.step === 4) ctl.abort(); } });
    // Simulate a kill between checkpoints: extra metric lines and a half-written line after step 4.
    writeFileSync(join(runDir, 'metrics.jsonl'), readFileSync(join(runDir, 'metrics.jsonl'), 'utf8') + '{"step":5,"loss":1}\n{"step":6,"lo');
    writeFileSync(join(runDir, 'checkpoints', 'step-00000008.ckpt.tmp-123'), 'partial');
    await runTraining({ runDir, components, resume: true });
    const rows = readJsonl<{ step: number }>(join(runDir, 'metrics.jsonl'));
    expect(rows.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(readdirSync(join(runDir, 'checkpoints')).some((f) => f.includes('.tmp-'))).toBe(false);
  });

  it('checkpoint files round-trip and reject truncation and corruption', () => {
    const state = {
      version: 1 as const, step: 3, tokens: 96, flops: 1e6, rng: { kind: 'xoshiro128**' as const, s: [1, 2, 3, 4] as [number, number, number, number] }, data: { pos: 3 },
      optimizer: { kind: 'laprop', step: 3, slots: { 'blocks/0/w': { m: { shape: [2], values: new Float32Array([0.5, -1]) } } } },
      params: { 'blocks/0/w': { shape: [2], values: new Float32Array([1.5, 2.25]) } },
    };
    const bytes = encodeCheckpoint(state, config);
    const back = decodeCheckpoint(bytes, 'x.ckpt');
    expect(back.state).toEqual(state);
    expect(back.config).toEqual(config);
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 3), 'x.ckpt')).toThrow(/x\.ckpt is unreadable: truncated payload/);
    const bad = bytes.slice(); bad[bad.length - 1]! ^= 0xff;
    expect(() => decodeCheckpoint(bad, 'x.ckpt')).toThrow(/checksum mismatch/);
    expect(() => decodeCheckpoint(new Uint8Array(5), 'x.ckpt')).toThrow(/bad magic/);
  });

  it('bad inputs give clear errors and leave no run directory', async () => {
    const cases: [unknown, RegExp][] = [
      [{ ...config, bogus: 1 }, /unknown field 'bogus'/],
      [{ ...config, optimizer: { kind: 'sgd' } }, /optimizer\.kind/],
      [{ ...config, data: { dir: '/no/such/corpus' } }, /\/no\/such\/corpus does not exist/],
      [{ ...config, model: { ...config.model, nHeads: 3 } }, /nHeads must divide dModel/],
      [{ ...config, model: { ...config.model, vocabSize: 50 } }, /model\.vocabSize \(50\) must equal/],
    ];
    for (const [cfg, msg] of cases) {
      const runDir = join(tmp, `bad-${Math.random()}`);
      await expect(runTraining({ runDir, config: cfg, components })).rejects.toThrow(msg);
      expect(existsSync(runDir)).toBe(false);
    }
    await expect(runTraining({ runDir: join(tmp, 'full'), config, components })).rejects.toThrow(/already exists.*resume/);
  });

  it('a corrupt checkpoint stops the resume with a clear error and changes nothing', async () => {
    const runDir = join(tmp, 'corrupt');
    const ctl = new AbortController();
    await runTraining({ runDir, config, components, signal: ctl.signal, onProgress: (e) => { if (e.type === 'step' && e.metrics.step === 6) ctl.abort(); } });
    const ckpt = join(runDir, 'checkpoints', 'step-00000006.ckpt');
    writeFileSync(ckpt, readFileSync(ckpt).subarray(0, 100));
    const before = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8');
    await expect(runTraining({ runDir, components, resume: true })).rejects.toThrow(/step-00000006\.ckpt is unreadable.*Delete it/);
    expect(readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')).toBe(before);
    expect(readdirSync(join(runDir, 'checkpoints'))).toEqual(['step-00000003.ckpt', 'step-00000006.ckpt']);
  });
});
