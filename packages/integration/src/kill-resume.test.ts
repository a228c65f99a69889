// Kill -9 a training process mid-run, resume it, and compare with an uninterrupted run (SPEC §4 runs).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, useBackend } from '@difflm/test-utils';
import { defaultRunComponents } from '@difflm/cli';
import { readJsonl, runTraining } from '@difflm/trainer/node';
import { embeddedCorpus, removeTempDirs, tempDir, tinyRunConfig } from './fixtures.js';

const child = (runDir: string, arg: string, env: NodeJS.ProcessEnv = {}): ChildProcess =>
  spawn(process.execPath, ['--conditions=@difflm/source', '--import', 'tsx', join(REPO_ROOT, 'packages/integration/src/train-child.ts'), runDir, arg], {
    cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env },
  });

const exited = (p: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> => new Promise((resolve) => {
  let stderr = '';
  p.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  p.on('exit', (code, signal) => resolve({ code, signal, stderr }));
});

const lines = (path: string): number => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l.endsWith('}')).length : 0);

type Row = Record<string, number>;
const curve = (runDir: string): Row[] => readJsonl<Row>(join(runDir, 'metrics.jsonl')).map(({ tokensPerSec: _, ...r }) => r);

describe('kill -9 and resume', () => {
  let data: Awaited<ReturnType<typeof embeddedCorpus>>;
  afterAll(removeTempDirs);
  beforeAll(async () => { await useBackend('wasm'); data = await embeddedCorpus(); });

  it('a run killed mid-way resumes from its last checkpoint and reproduces the uninterrupted loss curve', async () => {
    const tmp = tempDir('difflm-kill-');
    const config = tinyRunConfig(data.dir, data.vocabSize, { budget: { steps: 80 }, checkpointEvery: 10 });
    const reference = join(tmp, 'reference');
    await runTraining({ runDir: reference, config, components: defaultRunComponents() });

    const runDir = join(tmp, 'killed');
    const p = child(runDir, JSON.stringify(config));
    const done = exited(p);
    const metrics = join(runDir, 'metrics.jsonl');
    const t0 = Date.now();
    while (lines(metrics) < 25 && p.exitCode === null && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 5));
    p.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal, `the child should still be training when killed; stderr: ${killed.stderr}`).toBe('SIGKILL');
    const atKill = lines(metrics);
    expect(atKill).toBeGreaterThanOrEqual(25);
    expect(atKill).toBeLessThan(80);

    const resumed = await exited(child(runDir, '--resume'));
    expect(resumed.code, resumed.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as { resumedFrom: number; steps: number };
    expect(summary.steps).toBe(80);
    expect(summary.resumedFrom % 10).toBe(0);
    expect(summary.resumedFrom).toBeGreaterThanOrEqual(20);

    const a = curve(reference), b = curve(runDir);
    expect(b.map((r) => r.step)).toEqual(a.map((r) => r.step));
    a.forEach((row, i) => {
      for (const k of ['loss', 'elbo', 'lr', 'gradNorm', 'tokens', 'flops']) expect(b[i]![k], `step ${row.step} ${k}`).toBeCloseTo(row[k]!, 4);
    });
    const evalA = readJsonl<Row>(join(reference, 'eval.jsonl')), evalB = readJsonl<Row>(join(runDir, 'eval.jsonl'));
    expect(evalB.at(-1)!.elbo).toBeCloseTo(evalA.at(-1)!.elbo!, 4);
  }, 150_000);

  it('a kill at each file-system event of a run (temp written, renamed, half a line appended) loses nothing: the resume reproduces the uninterrupted run', async () => {
    const tmp = tempDir('difflm-events-');
    const config = tinyRunConfig(data.dir, data.vocabSize, { budget: { steps: 40 }, checkpointEvery: 10 });
    const reference = join(tmp, 'reference');
    await runTraining({ runDir: reference, config, components: defaultRunComponents() });
    const refCurve = curve(reference);
    const refEval = readJsonl<Row>(join(reference, 'eval.jsonl')).at(-1)!.elbo!;
    // DIFFLM_FAULT_KILL_AT (trainer run-dir.ts): "<event>:<file>:<n>" = SIGKILL at the n-th such event on that file.
    const points = [
      'temp:owner.json:1', 'temp:config.json:1', 'rename:config.json:1',
      'temp:.ckpt:2', 'rename:.ckpt:2', 'append-half:metrics.jsonl:15', 'append-half:eval.jsonl:1',
      'temp:summary.json:1', 'rename:summary.json:1',
    ];
    for (const at of points) {
      const runDir = join(tmp, at.replace(/[^\w]+/g, '-'));
      const killed = await exited(child(runDir, JSON.stringify(config), { DIFFLM_FAULT_KILL_AT: at }));
      expect(killed.signal, `${at}: ${killed.stderr}`).toBe('SIGKILL');
      // Killed before config.json was in place, the directory is a new run's debris: it is started again; otherwise
      // resumed.
      const started = existsSync(join(runDir, 'config.json'));
      const again = await exited(child(runDir, started ? '--resume' : JSON.stringify(config)));
      expect(again.code, `${at}: ${again.stderr}`).toBe(0);
      const c = curve(runDir);
      expect(c.map((r) => r.step), at).toEqual(refCurve.map((r) => r.step));
      refCurve.forEach((row, i) => { for (const k of ['loss', 'elbo', 'gradNorm']) expect(c[i]![k], `${at} step ${row.step} ${k}`).toBeCloseTo(row[k]!, 4); });
      const evals = readJsonl<Row>(join(runDir, 'eval.jsonl'));
      expect(new Set(evals.map((r) => r.step)).size, at).toBe(evals.length);
      expect(evals.at(-1)!.elbo, at).toBeCloseTo(refEval, 4);
      expect(JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')), at).toMatchObject({ steps: 40 });
      expect(existsSync(join(runDir, 'owner.json')), at).toBe(false);
    }
  }, 300_000);

  it('two processes, one run directory: a second resume is refused while the first trains; a stalled owner loses the directory to the next one and stops without writing', async () => {
    const tmp = tempDir('difflm-two-');
    const config = tinyRunConfig(data.dir, data.vocabSize, { budget: { steps: 400 }, checkpointEvery: 50 });
    const runDir = join(tmp, 'shared');
    const env = { DIFFLM_RUN_LEASE_MS: '1000' };
    const a = child(runDir, JSON.stringify(config), env);
    const aDone = exited(a);
    const metrics = join(runDir, 'metrics.jsonl');
    const t0 = Date.now();
    while (lines(metrics) < 15 && a.exitCode === null && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 5));
    // While a trains, a second process gets one line naming the owner, and a goes on.
    const refused = await exited(child(runDir, '--resume', env));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/is being trained by .*:\d+ \(its lease runs until .*\): wait for that process to finish or stop it, then resume/);
    // a stalls (SIGSTOP) past its lease; b takes the directory over and finishes the run.
    a.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, 1500));
    const b = await exited(child(runDir, '--resume', env));
    expect(b.code, b.stderr).toBe(0);
    const afterB = readFileSync(metrics, 'utf8');
    // a wakes: it finds the directory gone to another process and stops before writing anything more.
    a.kill('SIGCONT');
    const aEnd = await aDone;
    expect(aEnd.code).not.toBe(0);
    expect(aEnd.stderr).toMatch(/lost the run directory .*: another process took it over while this one was stalled past its lease; stopping without writing more/);
    expect(readFileSync(metrics, 'utf8')).toBe(afterB);
    const steps = readJsonl<Row>(metrics).map((r) => r.step);
    expect(steps).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    const evals = readJsonl<Row>(join(runDir, 'eval.jsonl')).map((r) => r.step);
    expect(new Set(evals).size).toBe(evals.length);
    expect(JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'))).toMatchObject({ steps: 400 });
    expect(existsSync(join(runDir, 'owner.json'))).toBe(false);
  }, 150_000);
});
