import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@difflm/test-utils';
import { memoryRunComponents, memoryRunConfig } from '../../test/memory-run.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint-file.js';
import type { RunComponents } from './run-components.js';
import { listCheckpoints, readJsonl, removeDeadTempFiles, runPaths } from './run-dir.js';

/** A pid no live process has: a child that has exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}
import { missingSteps, runTraining } from './run-training.js';

beforeAll(async () => { await useBackend('cpu'); });
const tmp = mkdtempSync(join(tmpdir(), 'difflm-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const components = memoryRunComponents;
const config = memoryRunConfig;
const strip = (rows: Record<string, number>[]) => rows.map(({ tokensPerSec: _, ...r }) => r);

describe('the three random streams', () => {
  it('seeds.init, seeds.data and seeds.noise default to what seed gives them, and each can be set alone', async () => {
    const seen: { init: number[]; data: number[] } = { init: [], data: [] };
    const spying: RunComponents = {
      ...components,
      createModel: (m, o) => { seen.init.push(o.seed); return components.createModel(m, o); },
      openData: async (d) => { const opened = await components.openData(d); return { ...opened, batches: (b) => { if (b.split === 'train') seen.data.push(b.seed); return opened.batches(b); } }; },
    };
    const curve = async (name: string, extra: Record<string, unknown>) => {
      const runDir = join(tmp, `seeds-${name}`);
      await runTraining({ runDir, config: { ...config, eval: { ...config.eval, every: 0 }, ...extra }, components: spying });
      return strip(readJsonl(join(runDir, 'metrics.jsonl')) as Record<string, number>[]).map((r) => r.loss);
    };
    const implicit = await curve('implicit', {});
    expect(seen).toEqual({ init: [5], data: [5] });
    // The defaults spelled out train the same bits.
    expect(await curve('explicit', { seeds: { init: 5, data: 5, noise: 6 } })).toEqual(implicit);
    seen.init.length = 0; seen.data.length = 0;
    const otherData = await curve('data', { seeds: { data: 9 } });
    expect(seen).toEqual({ init: [5], data: [9] });
    // (this test's corpus has one fixed order, so only the noise stream shows in the losses)
    expect(otherData).toEqual(implicit);
    const otherNoise = await curve('noise', { seeds: { noise: 9 } });
    expect(otherNoise).not.toEqual(implicit);
    expect(otherNoise[0]).not.toBe(implicit[0]);
    const otherInit = await curve('init', { seeds: { init: 9 } });
    expect(otherInit).not.toEqual(implicit);
    await expect(runTraining({ runDir: join(tmp, 'seeds-bad'), config: { ...config, seeds: { init: 1.5 } }, components })).rejects.toThrow(/seeds\.init/);
  });
});

describe('a checkpoint name on something that is not a checkpoint file', () => {
  it('is named, with the fix, by resume and by readers (not a raw EISDIR)', async () => {
    const runDir = join(tmp, 'ckpt-dir');
    await runTraining({ runDir, config, components });
    mkdirSync(join(runDir, 'checkpoints', 'step-99.ckpt'));
    await expect(runTraining({ runDir, components, resume: true })).rejects.toThrow(/step-99\.ckpt is not a file \(a checkpoint name on a directory\): the run directory is damaged; remove it/);
    const { openRun } = await import('./open-run.js');
    await expect(openRun(runDir, components)).rejects.toThrow(/step-99\.ckpt is not a file/);
  });
});

describe('readers of a run directory (eval, sample)', () => {
  it('refuse a config.json that no longer matches its checkpoint, and name a damaged one', async () => {
    const runDir = join(tmp, 'edited');
    await runTraining({ runDir, config, components });
    const { openRun } = await import('./open-run.js');
    const run = await openRun(runDir, components);
    expect(run.step).toBe(10);
    run.dispose();
    const file = join(runDir, 'config.json');
    const original = readFileSync(file, 'utf8');
    // The noise swapped after training: reading the weights under it would report a wrong ELBO silently.
    const edited = JSON.parse(original) as { objective: { noise: { id: string } } };
    edited.objective.noise.id = 'test/uniform';
    writeFileSync(file, JSON.stringify(edited));
    await expect(openRun(runDir, components)).rejects.toThrow(/was written by a different config than .*config\.json: the run directory is inconsistent \(was config\.json edited\?\)/);
    writeFileSync(file, original.slice(0, 40));
    await expect(openRun(runDir, components)).rejects.toThrow(/config\.json is not valid JSON .*the run directory is damaged/);
    writeFileSync(file, original);
  });
});

describe('missingSteps', () => {
  it('lists the step ranges without a row, from the rows present (a step of 1e12 allocates nothing)', () => {
    const rows = [1, 2, 5, 6, 9].map((step) => ({ step }));
    expect(missingSteps(rows, 10)).toEqual([[3, 4], [7, 8], [10, 10]]);
    expect(missingSteps([{ step: 1 }, { step: 'x' }, { step: 2.5 }], 2)).toEqual([[2, 2]]);
    expect(missingSteps([], 0)).toEqual([]);
    expect(missingSteps([{ step: 1 }], 1e12)).toEqual([[2, 1e12]]);
  });
});

describe('checkpoints that lie with a valid digest', () => {
  it('a forged state this run cannot have reached is refused by resume (naming the file and what is wrong), and readers refuse NaN weights', async () => {
    const runDir = join(tmp, 'forged');
    const ctl = new AbortController();
    await runTraining({ runDir, config, components, signal: ctl.signal, onProgress: (e) => { if (e.type === 'step' && e.metrics.step === 6) ctl.abort(); } });
    const ckpt = join(runDir, 'checkpoints', 'step-00000006.ckpt');
    const good = readFileSync(ckpt);
    const { state, config: stored } = decodeCheckpoint(new Uint8Array(good), ckpt, 6);
    const names = Object.keys(state.params);
    const before = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8');
    type S = typeof state;
    const cases: [string, (s: S) => S, RegExp, string?][] = [
      ['an all-zero PRNG state', (s) => ({ ...s, rng: { kind: 'xoshiro128**', s: [0, 0, 0, 0] } }), /rng state: all four words are zero/],
      ['no optimizer update on a step-6 model', (s) => ({ ...s, optimizer: { ...s.optimizer, step: 0 } }), /made no update but holds non-zero moments/],
      ['more optimizer updates than steps', (s) => ({ ...s, optimizer: { ...s.optimizer, step: 7 } }), /update count 7 is not between 0 and the step 6/],
      ['missing optimizer tensors', (s) => { const slots = { ...s.optimizer.slots }; delete slots[names[1]!]; return { ...s, optimizer: { ...s.optimizer, slots } }; }, /has optimizer moments \[\] where/],
      ['moments for a parameter the model lacks', (s) => ({ ...s, optimizer: { ...s.optimizer, slots: { ...s.optimizer.slots, ghost: s.optimizer.slots[names[0]!]! } } }), /moments for 'ghost', which is no parameter/],
      ['a non-finite optimizer moment', (s) => {
        const [p, bySlot] = Object.entries(s.optimizer.slots)[0]!;
        const [slot, t] = Object.entries(bySlot)[0]!;
        const values = Float32Array.from(t.values); values[0] = Number.NaN;
        return { ...s, optimizer: { ...s.optimizer, slots: { ...s.optimizer.slots, [p]: { ...bySlot, [slot]: { ...t, values } } } } };
      }, /optimizer moment '.*' of '.*' holds a value that is not finite/],
      ['a non-finite weight', (s) => { const t = s.params[names[0]!]!; const values = Float32Array.from(t.values); values[1] = Infinity; return { ...s, params: { ...s.params, [names[0]!]: { ...t, values } } }; }, /parameter '.*' holds a value that is not finite/],
      ['a data position outside the run', (s) => ({ ...s, data: 1000 }), /data position 1000 is not where 6 steps of 1 batch end/],
      ['tokens that do not follow from the step', (s) => ({ ...s, tokens: s.tokens + 1 }), /tokens 193 is not step 6 × 32 tokens per step/],
      ['flops that do not follow from the tokens', (s) => ({ ...s, flops: 1 }), /flops 1 is not tokens 192 ×/],
      ['a step beyond the budget', (s) => ({ ...s, step: 500, tokens: 500 * 32, optimizer: { ...s.optimizer, step: 500 } }), /step 500 is beyond the run's budget of 10 steps/, 'step-00000500.ckpt'],
    ];
    for (const [what, forge, message, name] of cases) {
      const file = join(runDir, 'checkpoints', name ?? 'step-00000006.ckpt');
      writeFileSync(file, encodeCheckpoint(forge(structuredClone(state)), stored));
      await expect(runTraining({ runDir, components, resume: true }), what).rejects.toThrow(new RegExp(`checkpoint .*${(name ?? 'step-00000006.ckpt').replace('.', '\\.')} cannot be resumed: .*${message.source}.*Delete it`));
      expect(readFileSync(join(runDir, 'metrics.jsonl'), 'utf8'), what).toBe(before);
      if (name) rmSync(file);
    }
    // Readers (eval, sample) name the checkpoint and the cause of NaN weights instead of failing on NaN logits.
    const nan = structuredClone(state);
    nan.params[names[0]!]!.values[0] = Number.NaN;
    writeFileSync(ckpt, encodeCheckpoint(nan, stored));
    const { openRun } = await import('./open-run.js');
    await expect(openRun(runDir, components)).rejects.toThrow(/step-00000006\.ckpt holds weights that are not finite \(parameter '.*'\)/);
    // The true checkpoint resumes, and the run finishes.
    writeFileSync(ckpt, good);
    const done = await runTraining({ runDir, components, resume: true });
    expect(done.steps).toBe(10);
  });
});

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

  it('cooldown branches: each target gets a finished model evaluated, and the run itself is unchanged', async () => {
    const plain = { ...config, eval: { batches: 1, levels: 4, every: 0 } };
    const branched = { ...plain, eval: { ...plain.eval, branches: { atSteps: [6, 10], fraction: 0.5 } } };
    const a = await runTraining({ runDir: join(tmp, 'br-plain'), config: plain, components });
    const b = await runTraining({ runDir: join(tmp, 'br-full'), config: branched, components });
    // The trunk trains exactly as without branches: same per-step metrics, same final evaluation.
    expect(strip(readJsonl(join(tmp, 'br-full', 'metrics.jsonl')))).toEqual(strip(readJsonl(join(tmp, 'br-plain', 'metrics.jsonl'))));
    expect(b.eval).toEqual(a.eval);
    const rows = readJsonl<{ step: number; target: number; cooldownSteps: number; elbo: number }>(join(tmp, 'br-full', 'branches.jsonl'));
    expect(rows.map((r) => [r.step, r.target, r.cooldownSteps])).toEqual([[3, 6, 3], [5, 10, 5]]);
    // A branch is a different model from the trunk at its target (it was cooled down): its loss differs.
    expect(rows[1]!.elbo).not.toBe(a.eval!.elbo);
    // Stopped inside the second branch (trunk step 5, branch steps 6–10): the resume retrains from the step-3
    // checkpoint and branches again; the file ends as in the uninterrupted run.
    const runDir = join(tmp, 'br-stop');
    const ac = new AbortController();
    const stoppedRun = await runTraining({ runDir, config: branched, components, signal: ac.signal, onProgress: (e) => { if (e.type === 'step' && e.metrics.step === 5) ac.abort(); } });
    expect(stoppedRun.stopped).toBe(true);
    expect(readJsonl<{ target: number }>(join(runDir, 'branches.jsonl')).map((r) => r.target)).toEqual([6]);
    expect(readdirSync(join(runDir, 'checkpoints'))).toEqual(['step-00000003.ckpt']);
    const done = await runTraining({ runDir, config: branched, components, resume: true });
    expect(readFileSync(join(runDir, 'branches.jsonl'), 'utf8')).toBe(readFileSync(join(tmp, 'br-full', 'branches.jsonl'), 'utf8'));
    expect(done.eval).toEqual(b.eval);
  });

  it('evaluates at the listed steps as well as every N steps, and a resume keeps each evaluation once', async () => {
    const at = { ...config, eval: { batches: 1, levels: 4, every: 5, atSteps: [2, 7, 10] } };
    const full = await runTraining({ runDir: join(tmp, 'at-full'), config: at, components });
    expect(readJsonl<{ step: number }>(join(tmp, 'at-full', 'eval.jsonl')).map((e) => e.step)).toEqual([2, 5, 7, 10]);
    // Stopped after step 8 (checkpoint at 6): the resume retrains 7–8, evaluates step 7 again, once.
    const runDir = join(tmp, 'at-stop');
    const ac = new AbortController();
    await runTraining({ runDir, config: at, components, signal: ac.signal, onProgress: (e) => { if (e.type === 'step' && e.metrics.step === 8) ac.abort(); } });
    const resumed = await runTraining({ runDir, config: at, components, resume: true });
    expect(readJsonl<{ step: number }>(join(runDir, 'eval.jsonl')).map((e) => e.step)).toEqual([2, 5, 7, 10]);
    expect(resumed.eval).toEqual(full.eval);
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
    const dead = deadPid();
    writeFileSync(join(runDir, 'checkpoints', `step-00000008.ckpt.tmp-${dead}`), 'partial');
    writeFileSync(join(runDir, `summary.json.tmp-${dead}`), '{"half');
    // A live writer's temp file (here: this test process's) is not the trainer's to remove.
    writeFileSync(join(runDir, 'checkpoints', `step-00000009.ckpt.tmp-${process.pid}`), 'in progress');
    await runTraining({ runDir, components, resume: true });
    const rows = readJsonl<{ step: number }>(join(runDir, 'metrics.jsonl'));
    expect(rows.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(readdirSync(join(runDir, 'checkpoints')).filter((f) => f.includes('.tmp-'))).toEqual([`step-00000009.ckpt.tmp-${process.pid}`]);
    expect(readdirSync(runDir).some((f) => f.includes('.tmp-'))).toBe(false);
  });

  it('a stop during a long evaluation takes effect between eval batches, and the resume evaluates again', async () => {
    const long = { ...config, eval: { batches: 400, levels: 4, every: 5 }, checkpointEvery: 5 };
    // During the step-5 evaluation (the step event comes first, the timer fires inside the evaluation).
    const runDir = join(tmp, 'eval-stop');
    const ctl = new AbortController();
    const t0 = Date.now();
    const r = await runTraining({ runDir, config: long, components, signal: ctl.signal, onProgress: (e) => { if (e.type === 'step' && e.metrics.step === 5) setTimeout(() => ctl.abort(), 5); } });
    expect(r.stopped).toBe(true);
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(existsSync(join(runDir, 'eval.jsonl')) ? readFileSync(join(runDir, 'eval.jsonl'), 'utf8') : '').toBe('');
    expect(readdirSync(join(runDir, 'checkpoints')).filter((f) => f.endsWith('.ckpt'))).toEqual([]); // no checkpoint at step 5
    // During the final evaluation: training is done, the summary is not written, the resume evaluates.
    const ctl2 = new AbortController();
    const fin = await runTraining({ runDir, components, resume: true, signal: ctl2.signal, onProgress: (e) => { if (e.type === 'step' && e.metrics.step === 10) setTimeout(() => ctl2.abort(), 5); } });
    expect(fin).toMatchObject({ stopped: true, steps: 10, eval: null });
    expect(existsSync(join(runDir, 'summary.json'))).toBe(false);
    const done = await runTraining({ runDir, components, resume: true });
    expect(done.stopped).toBe(false);
    expect(readJsonl<{ step: number }>(join(runDir, 'eval.jsonl')).map((e) => e.step)).toEqual([5, 10]);
    expect(JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')).eval.elbo).toBe(done.eval!.elbo);
  }, 60_000);

  it('a metrics.jsonl cut while the run was stopped is not silently accepted: the lost steps are named and kept in the summary', async () => {
    const runDir = join(tmp, 'cut-metrics');
    const ctl = new AbortController();
    await runTraining({ runDir, config: { ...config, checkpointEvery: 3 }, components, signal: ctl.signal, onProgress: (e) => { if (e.type === 'step' && e.metrics.step === 6) ctl.abort(); } });
    const rows = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(rows).toHaveLength(6);
    // Steps 3–5 cut out, step 6 kept (an edit, not only a truncation).
    writeFileSync(join(runDir, 'metrics.jsonl'), `${[...rows.slice(0, 2), rows[5]].join('\n')}\n`);
    const warnings: string[] = [];
    const r = await runTraining({ runDir, components, resume: true, onProgress: (e) => { if (e.type === 'warning') warnings.push(e.message); } });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/metrics\.jsonl lacks the rows of steps 3–5 .*cannot be recovered, training resumes from the step-6 checkpoint/);
    expect(r.metricsGaps).toEqual([[3, 5]]);
    expect(JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')).metricsGaps).toEqual([[3, 5]]);
    expect(readJsonl<{ step: number }>(join(runDir, 'metrics.jsonl')).map((x) => x.step)).toEqual([1, 2, 6, 7, 8, 9, 10]);
    // An intact run resumes without a warning.
    const intact: string[] = [];
    await runTraining({ runDir: join(tmp, 'stopped'), components, resume: true, onProgress: (e) => { if (e.type === 'warning') intact.push(e.message); } });
    expect(intact).toEqual([]);
  });

  it('a run directory killed while being created (empty checkpoints/, no config.json) starts cleanly, fresh or with resume', async () => {
    for (const resume of [false, true]) {
      const runDir = join(tmp, `half-created-${resume}`);
      mkdirSync(join(runDir, 'checkpoints'), { recursive: true });
      writeFileSync(join(runDir, `config.json.tmp-${deadPid()}`), '{"half');
      const r = await runTraining({ runDir, config, components, resume });
      expect(r.steps).toBe(r.totalSteps);
      expect(existsSync(join(runDir, 'config.json'))).toBe(true);
      expect(readdirSync(runDir).some((f) => f.includes('.tmp-'))).toBe(false);
    }
    // A directory with anything else in it is still refused.
    const other = join(tmp, 'not-a-run');
    mkdirSync(join(other, 'checkpoints'), { recursive: true });
    writeFileSync(join(other, 'notes.txt'), 'mine');
    await expect(runTraining({ runDir: other, config, components })).rejects.toThrow(/already exists and is not empty/);
  });

  it('records what each session trained on in environment.jsonl, and the last one in the summary', async () => {
    const runDir = join(tmp, 'environment');
    const ctl = new AbortController();
    const first = { backend: 'native', kernel: 'OpenBLAS Haswell', threads: 1 };
    await runTraining({ runDir, config: { ...config, checkpointEvery: 4 }, components, environment: first, signal: ctl.signal, onProgress: (e) => { if (e.type === 'step' && e.metrics.step === 4) ctl.abort(); } });
    const second = { backend: 'wasm', threads: 1 };
    const r = await runTraining({ runDir, components, resume: true, environment: second });
    const lines = readJsonl<Record<string, unknown>>(join(runDir, 'environment.jsonl'));
    expect(lines.map((l) => [l.step, l.backend])).toEqual([[0, 'native'], [4, 'wasm']]);
    expect(lines[0]).toMatchObject(first);
    expect(r.environment).toEqual(second);
    expect(JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')).environment).toEqual(second);
  });

  it('resuming a finished run reports its last step, and re-evaluates an evaluation on disk it cannot trust', async () => {
    const runDir = join(tmp, 'finished');
    const done = await runTraining({ runDir, config, components });
    const again = await runTraining({ runDir, components, resume: true });
    expect(again.last).toEqual(done.last);
    expect(again.eval).toEqual(done.eval);
    // An edited evaluation ("NaN" as a string) is not passed on: the final weights are evaluated again.
    const evalPath = join(runDir, 'eval.jsonl');
    const rows = readFileSync(evalPath, 'utf8').trim().split('\n');
    const edited = { ...JSON.parse(rows.at(-1)!), elbo: 'NaN' };
    writeFileSync(evalPath, `${[...rows.slice(0, -1), JSON.stringify(edited)].join('\n')}\n`);
    const third = await runTraining({ runDir, components, resume: true });
    expect(typeof third.eval!.elbo).toBe('number');
    expect(third.eval!.elbo).toBe(done.eval!.elbo);
    expect(JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')).eval.elbo).toBe(done.eval!.elbo);
    // The forged row is replaced, not kept beside the new one: one row per step, every one finite.
    const after = readFileSync(evalPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step: number; elbo: unknown });
    expect(after.map((r) => r.step)).toEqual(rows.map((l) => (JSON.parse(l) as { step: number }).step));
    expect(after.every((r) => typeof r.elbo === 'number')).toBe(true);
  });

  it('prunes to keepCheckpoints on resume (a kill between writing a checkpoint and pruning left one more)', async () => {
    const runDir = join(tmp, 'prune');
    const ctl = new AbortController();
    await runTraining({ runDir, config: { ...config, checkpointEvery: 2, keepCheckpoints: 2 }, components, signal: ctl.signal, onProgress: (e) => { if (e.type === 'step' && e.metrics.step === 6) ctl.abort(); } });
    const ckpts = readdirSync(join(runDir, 'checkpoints')).sort();
    expect(ckpts).toHaveLength(2);
    // What the kill leaves: an older checkpoint that pruning did not get to.
    writeFileSync(join(runDir, 'checkpoints', 'step-00000001.ckpt'), readFileSync(join(runDir, 'checkpoints', ckpts[0]!)));
    const atFirstStep: { step: number; files: number }[] = [];
    await runTraining({ runDir, components, resume: true, onProgress: (e) => { if (e.type === 'step' && atFirstStep.length === 0) atFirstStep.push({ step: e.metrics.step, files: readdirSync(join(runDir, 'checkpoints')).length }); } });
    expect(atFirstStep).toEqual([{ step: 7, files: 2 }]);
    expect(readdirSync(join(runDir, 'checkpoints'))).toHaveLength(2);
  });

  it('readers never delete: temp files survive listing, and a symlinked checkpoints folder is not cleaned', async () => {
    const runDir = join(tmp, 'readers');
    await runTraining({ runDir, config: { ...config, checkpointEvery: 5 }, components });
    const dead = deadPid();
    const tmpFile = join(runDir, 'checkpoints', `step-00000011.ckpt.tmp-${dead}`);
    writeFileSync(tmpFile, 'a writer in progress, as far as a reader knows');
    expect(listCheckpoints(runPaths(runDir)).map((c) => c.step)).toEqual([5, 10]);
    expect(existsSync(tmpFile)).toBe(true);
    // checkpoints/ as a symlink to a folder elsewhere: the owner's clean-up leaves that folder alone.
    const outside = join(tmp, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, `keep.tmp-${dead}`), 'not the run\'s');
    const linked = join(tmp, 'linked');
    mkdirSync(linked);
    symlinkSync(outside, join(linked, 'checkpoints'));
    expect(removeDeadTempFiles(runPaths(linked))).toEqual([]);
    expect(existsSync(join(outside, `keep.tmp-${dead}`))).toBe(true);
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
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 3), 'x.ckpt')).toThrow(/x\.ckpt is unreadable: checksum mismatch \(the file is truncated/);
    const bad = bytes.slice(); bad[bad.length - 1]! ^= 0xff;
    expect(() => decodeCheckpoint(bad, 'x.ckpt')).toThrow(/checksum mismatch/);
    expect(() => decodeCheckpoint(new Uint8Array(5), 'x.ckpt')).toThrow(/bad magic/);
  });

  it('rejects an edited header (the digest covers it) and a forged one (every value is checked before use)', () => {
    const config = { any: 'thing' };
    const state = {
      version: 1 as const, step: 40, tokens: 96, flops: 1e6, rng: { kind: 'xoshiro128**' as const, s: [1, 2, 3, 4] as [number, number, number, number] }, data: { pos: 3 },
      optimizer: { kind: 'laprop', step: 40, slots: { w: { m: { shape: [2], values: new Float32Array([0.5, -1]) } } } },
      params: { w: { shape: [2], values: new Float32Array([1.5, 2.25]) }, v: { shape: [3], values: new Float32Array([1, 2, 3]) } },
    };
    const bytes = encodeCheckpoint(state, config);
    const headLen = new DataView(bytes.buffer).getUint32(8, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headLen))) as Record<string, any>;
    const payload = bytes.subarray(12 + headLen, bytes.length - 32);
    /** The file with its header replaced; `resign` recomputes the digest as a forger would. */
    const withHeader = (h: unknown, resign: boolean): Uint8Array => {
      const head = new TextEncoder().encode(JSON.stringify(h));
      const out = new Uint8Array(12 + head.length + payload.length + 32);
      out.set(bytes.subarray(0, 8), 0);
      new DataView(out.buffer).setUint32(8, head.length, true);
      out.set(head, 12);
      out.set(payload, 12 + head.length);
      const body = out.length - 32;
      out.set(resign ? createHash('sha256').update(out.subarray(0, body)).digest() : bytes.subarray(bytes.length - 32), body);
      return out;
    };
    const edit = (f: (h: Record<string, any>) => void): Record<string, any> => { const h = structuredClone(header); f(h); return h; };
    // An edit that keeps valid JSON: the old digest no longer matches.
    expect(() => decodeCheckpoint(withHeader(edit((h) => { h.step = 10; }), false), 'x.ckpt', 40)).toThrow(/x\.ckpt is unreadable: checksum mismatch/);
    // Forged files with a recomputed digest: each value the reader would act on is refused, naming it.
    const forged: [string, (h: Record<string, any>) => void, RegExp][] = [
      ['a step that is not an integer', (h) => { h.step = 'ten'; }, /step "ten" is not a non-negative integer/],
      ['a negative step', (h) => { h.step = -1; }, /step -1 is not a non-negative integer/],
      ['tokens that are not a number', (h) => { h.tokens = null; }, /tokens null is not a non-negative number/],
      ['an offset pointing at another tensor', (h) => { h.tensors[1].offset = 0; }, /offset 0 is not 8, where the previous tensor ends/],
      ['a negative length', (h) => { h.tensors[0].length = -2; }, /length -2 does not match its shape \[2\]/],
      ['a huge offset', (h) => { h.tensors[2].offset = 1e15; }, /offset 1000000000000000 is not 20/],
      ['a shape that does not match the length', (h) => { h.tensors[0].shape = [3]; }, /length 2 does not match its shape \[3\]/],
      ['a duplicated tensor', (h) => { h.tensors[1].key = h.tensors[0].key; }, /appears twice/],
      ['a wrong payload size', (h) => { h.payloadBytes = 4; }, /payloadBytes 4 does not match the 28 payload bytes/],
      ['tensors not covering the payload', (h) => { h.tensors.pop(); }, /the tensors cover 20 of the 28 payload bytes/],
    ];
    for (const [what, f, message] of forged) expect(() => decodeCheckpoint(withHeader(edit(f), true), 'x.ckpt'), what).toThrow(message);
    // A consistent forgery of the step is caught by the file name it was found under.
    expect(() => decodeCheckpoint(withHeader(edit((h) => { h.step = 10; h.optimizer.step = 10; }), true), 'step-00000040.ckpt', 40)).toThrow(/header says step 10 but its file name says step 40/);
    expect(decodeCheckpoint(withHeader(header, true), 'x.ckpt', 40).state).toEqual(state);
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
