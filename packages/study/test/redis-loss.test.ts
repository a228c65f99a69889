// Losing Redis in the middle of a distributed study: the coordinator and the workers say so in one line each and
// retry, say so again when it is back, and the study finishes. No stack traces (those are for --debug).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli, waitFor, type CliProcess } from './cli-process.js';
import { startRedis, type RedisHandle } from './redis-server.js';

const dir = mkdtempSync(join(tmpdir(), 'difflm-redis-loss-'));
const procs: CliProcess[] = [];
let redis: RedisHandle | undefined;
afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const stackLines = (text: string): string[] => text.split('\n').filter((l) => /^\s+at\s/.test(l) || /Unhandled error event/.test(l));

describe('a distributed study that loses Redis for a while', () => {
  it('prints one line when Redis is lost and one when it is back, no stack traces, and finishes', async () => {
    const studyFile = join(dir, 'study.json');
    writeFileSync(studyFile, JSON.stringify({
      name: 'lost', noise: ['masked'], models: ['L1-D16-H1', 'L1-D32-H2'], seqLen: 16, budgets: [5e8, 1e9],
      batch: { sequences: [4] }, lr: { values: [0.1] }, minSteps: 5,
    }));
    redis = await startRedis();
    const { port, url } = redis;
    const log = join(dir, 'executions.jsonl');
    const finished = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('"finish"')).length : 0);
    const env = { DIFFLM_FAKE_EXECUTOR_LOG: log, DIFFLM_FAKE_MS_PER_STEP: '60', DIFFLM_FAKE_POINTS: '5' };
    const worker = startCli(['worker', '--redis', url, '--executor', 'fake', '--slots', '1', '--work-dir', join(dir, 'w')], { cwd: dir, env });
    procs.push(worker);
    await waitFor('the worker to be ready', () => worker.stderr().includes('ready'), 30_000);
    const coordinator = startCli(['study', '--file', studyFile, '--dir', join(dir, 'study'), '--redis', url, '--executor', 'fake', '--no-report', '--json'], { cwd: dir, env });
    procs.push(coordinator);
    await waitFor('a run to finish', () => finished() >= 1, 60_000);
    await redis.stop();
    await new Promise((r) => setTimeout(r, 3000));
    redis = await startRedis({ port });
    expect(await coordinator.exited).toBe(0);
    const err = coordinator.stderr();
    expect(stackLines(err), err).toEqual([]);
    expect(err.split('\n').filter((l) => /lost Redis/.test(l)).length, err).toBe(1);
    expect(err.split('\n').filter((l) => /Redis is back/.test(l)).length, err).toBe(1);
    const summary = JSON.parse(coordinator.stdout()) as { runs: number; done: number; skipped: number; failed: number };
    expect(summary.failed).toBe(0);
    expect(summary.done + summary.skipped).toBe(summary.runs);
    worker.child.kill('SIGTERM');
    await worker.exited;
    const werr = worker.stderr();
    expect(stackLines(werr), werr).toEqual([]);
    expect(werr.split('\n').filter((l) => /lost Redis/.test(l)).length, werr).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
