// The distributed mode end to end: a real redis-server, two `difflm worker` processes (one killed with
// kill -9 in the middle of a run), and a `difflm study --redis` coordinator killed and restarted. The
// workers use the fake executor (test-only) so the study takes seconds.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openResultsStore } from '../src/results-store.js';
import { startCli, waitFor, type CliProcess } from './cli-process.js';
import { startRedis, type RedisHandle } from './redis-server.js';

const dir = mkdtempSync(join(tmpdir(), 'difflm-distributed-'));
const log = join(dir, 'executions.jsonl');
const studyFile = join(dir, 'study.json');
let redis: RedisHandle;
const procs: CliProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

type Ev = { event: string; runId: string; pid: number; t: number };
const events = (): Ev[] => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Ev) : []);

describe('distributed study on Redis', () => {
  it('survives a worker killed mid-run and a coordinator killed and restarted: every run recorded once, none rerun', async () => {
    writeFileSync(studyFile, JSON.stringify({
      name: 'dist', noise: ['masked', 'uniform'], models: ['L1-D16-H1', 'L1-D32-H2'], seqLen: 16, budgets: [5e8, 1e9],
      batch: { sequences: [4] }, lr: { values: [0.1] }, minSteps: 5,
    }));
    const env = { DIFFLM_FAKE_EXECUTOR_LOG: log, DIFFLM_FAKE_MS_PER_STEP: '120', DIFFLM_FAKE_POINTS: '10' };
    const worker = (name: string) => startCli(['worker', '--redis', redis.url, '--executor', 'fake', '--slots', '1', '--lock-ms', '1500', '--work-dir', join(dir, name)], { cwd: dir, env });
    const coordinator = () => startCli(['study', '--file', studyFile, '--dir', join(dir, 'study'), '--redis', redis.url, '--executor', 'fake', '--no-report', '--json'], { cwd: dir, env });

    const a = worker('a');
    const b = worker('b');
    procs.push(a, b);
    await waitFor('both workers ready', () => a.stderr().includes('ready') && b.stderr().includes('ready'), 30_000);
    const c1 = coordinator();
    procs.push(c1);

    // Kill worker a (kill -9) right after it starts a run, after at least one run has finished somewhere.
    await waitFor('a finished run', () => events().some((e) => e.event === 'finish'), 30_000);
    const startsOfA = () => a.stderr().split('\n').filter((l) => l.includes('job-start')).length;
    const before = startsOfA();
    await waitFor('worker a to start a run', () => startsOfA() > before, 30_000);
    const killedRun = a.stderr().trim().split('\n').filter((l) => l.includes('job-start')).pop()!.split(' ').pop()!;
    // Kill it once that run is executing (its run process has logged the start), not between the worker taking the
    // job and the executor starting it: BullMQ counts a take, the store counts executions, and the check below
    // compares the store with the executions the executor logged.
    await waitFor('the run to start executing on worker a', () => events().some((e) => e.event === 'start' && e.runId === killedRun), 30_000);
    a.child.kill('SIGKILL');
    expect(await a.exited).toBe('SIGKILL');

    // Kill the coordinator while runs are still open, then restart it.
    await waitFor('3 finished runs', () => events().filter((e) => e.event === 'finish').length >= 3, 30_000);
    c1.child.kill('SIGKILL');
    await c1.exited;
    const c2 = coordinator();
    procs.push(c2);
    expect(await c2.exited).toBe(0);
    const summary = JSON.parse(c2.stdout()) as { runs: number; done: number; skipped: number; failed: number };
    expect(summary.runs).toBe(8);
    expect(summary.failed).toBe(0);
    expect(summary.done + summary.skipped).toBe(8);

    // The store holds every run exactly once, all done.
    const store = openResultsStore(join(dir, 'study', 'study.db'));
    const runs = store.list({ study: 'dist' });
    expect(runs).toHaveLength(8);
    expect(runs.every((r) => r.status === 'done' && r.finalLoss !== null)).toBe(true);
    for (const r of runs) expect(store.curve(r.id)).toHaveLength(10);
    // `attempts` counts executions (the killed run twice, every other run once), not coordinator restarts.
    const starts = (id: string) => events().filter((e) => e.event === 'start' && e.runId === id).length;
    for (const r of runs) expect({ id: r.id, attempts: r.attempts }).toEqual({ id: r.id, attempts: starts(r.id) });
    store.close();

    // Executions: each run finished exactly once; the run killed with worker a was started again and
    // finished elsewhere; no run was started after it had finished.
    const ev = events();
    const ids = runs.map((r) => r.id).sort();
    expect(ev.filter((e) => e.event === 'finish').map((e) => e.runId).sort()).toEqual(ids);
    expect(ev.filter((e) => e.event === 'start' && e.runId === killedRun).length).toBe(2);
    for (const id of ids) {
      const fin = ev.find((e) => e.event === 'finish' && e.runId === id)!;
      expect(ev.filter((e) => e.event === 'start' && e.runId === id && e.t > fin.t)).toHaveLength(0);
    }
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
  }, 90_000);
});
