// Two workers, one run directory: worker A (with its run process) is stopped past its job lock while it trains; BullMQ
// hands the job to worker B, which takes the run directory over once A's lease has run out and finishes the run.
// When A wakes it must not write through: every step and evaluation appears once, the study finishes once.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli, waitFor, type CliProcess } from './cli-process.js';
import { startRedis, type RedisHandle } from './redis-server.js';

const dir = mkdtempSync(join(tmpdir(), 'difflm-two-workers-'));
const procs: CliProcess[] = [];
let redis: RedisHandle | undefined;
const signalGroup = (p: CliProcess, sig: NodeJS.Signals): void => { try { process.kill(-p.child.pid!, sig); } catch { /* gone */ } };
afterAll(async () => {
  for (const p of procs) { signalGroup(p, 'SIGCONT'); signalGroup(p, 'SIGKILL'); }
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The metrics.jsonl files under a directory (the run directories of a worker's work dir). */
function findFiles(root: string, name: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((e) => {
    const p = join(root, e);
    return statSync(p).isDirectory() ? findFiles(p, name) : e === name ? [p] : [];
  });
}
const rows = (path: string): { step: number }[] => readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { step: number });

describe('two workers on one run directory', () => {
  it('a worker stalled past its lock loses the run to the other, which finishes it; nothing is written twice', async () => {
    const studyFile = join(dir, 'study.json');
    writeFileSync(studyFile, JSON.stringify({
      name: 'twice', noise: ['masked'], models: ['L1-D16-H1'], seqLen: 16, budgets: [6e9],
      batch: { sequences: [4] }, lr: { values: [0.1] }, minSteps: 5, evaluation: { batches: 2, batchSize: 4, levels: 2 },
    }));
    redis = await startRedis();
    const env = { DIFFLM_CACHE_DIR: join(dir, 'cache') };
    const work = join(dir, 'work');
    const worker = (name: string): CliProcess => {
      const p = startCli(['worker', '--redis', redis!.url, '--slots', '1', '--lock-ms', '3000', '--backend', 'wasm', '--work-dir', work], { cwd: dir, env, detached: true });
      procs.push(p);
      return p;
    };
    const a = worker('a');
    await waitFor('worker A to be ready', () => a.stderr().includes('ready'), 60_000);
    const coordinator = startCli(['study', '--file', studyFile, '--dir', join(dir, 'study'), '--redis', redis.url, '--no-report', '--json'], { cwd: dir, env });
    procs.push(coordinator);
    await waitFor('A to be training', () => findFiles(work, 'metrics.jsonl').some((f) => rows(f).length >= 100), 120_000)
      .catch((e: Error) => { throw new Error(`${e.message}\nworker: ${a.stderr()}\ncoordinator: ${coordinator.stderr()}`); });
    const [metrics] = findFiles(work, 'metrics.jsonl');
    signalGroup(a, 'SIGSTOP'); // A and its run process stall: no lock renewals, no lease renewals
    const b = worker('b');
    expect(await coordinator.exited, coordinator.stderr()).toBe(0);
    const summary = JSON.parse(coordinator.stdout()) as { runs: number; done: number; failed: number };
    expect(summary).toMatchObject({ runs: 1, done: 1, failed: 0 });
    const finished = readFileSync(metrics!, 'utf8');
    signalGroup(a, 'SIGCONT'); // A wakes up in the same directory
    await new Promise((r) => setTimeout(r, 4000));
    // Nothing written after the run finished, and every step once.
    expect(readFileSync(metrics!, 'utf8')).toBe(finished);
    const steps = rows(metrics!).map((r) => r.step);
    expect(steps).toEqual(Array.from({ length: steps.length }, (_, i) => i + 1));
    const evals = rows(join(metrics!, '..', 'eval.jsonl')).map((r) => r.step);
    expect(new Set(evals).size, evals.join(',')).toBe(evals.length);
    expect(existsSync(join(metrics!, '..', 'owner.json'))).toBe(false);
    for (const p of [a, b]) signalGroup(p, 'SIGTERM');
    await Promise.all([a.exited, b.exited]);
    // A says it lost the job (not that Redis was lost, which it was not): its run process found the directory taken
    // (BullMQ's failed lock renewal may say so too, first or not at all, depending on when A's timers fire).
    expect(a.stderr()).toMatch(/job-lost \S+: lost the run directory/);
    expect(a.stderr()).not.toMatch(/lost Redis at|job-failed/);
  }, 240_000);
});
