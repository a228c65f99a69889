import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openResultsStore } from './results-store.js';
import { runStudy, studyPaths } from './run-study.js';
import { parseStudyDefinition } from './study-definition.js';
import type { StudyEvent } from './study-events.js';

const dir = mkdtempSync(join(tmpdir(), 'difflm-local-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const definition = parseStudyDefinition({
  name: 'tiny', noise: ['masked', 'uniform'], models: ['L1-D16-H1', 'L1-D32-H2'], seqLen: 16, budgets: [5e8], batch: { sequences: [4] }, lr: { values: [0.1] }, minSteps: 5,
});

const events = (log: string) => readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; runId: string; pid: number });

describe('local runner (run processes)', () => {
  it('runs every run in child processes, retries a crashed run, and records each result once', async () => {
    const log = join(dir, 'exec.jsonl');
    const seen: StudyEvent[] = [];
    const out = await runStudy({
      definition, dir: join(dir, 'study'), workers: 2,
      executor: { name: 'fake', options: { msPerStep: 15, points: 8, logFile: log, crashOnceFile: join(dir, 'crashed') } },
      onEvent: (e) => seen.push(e),
    });
    expect(out).toMatchObject({ skipped: 0, done: 4, failed: 0 });
    const ev = events(log);
    expect(ev.filter((e) => e.event === 'crash')).toHaveLength(1);
    const finishes = ev.filter((e) => e.event === 'finish').map((e) => e.runId).sort();
    expect(finishes).toEqual(out.plan.runs.map((r) => r.id).sort()); // each run finished exactly once
    expect(new Set(ev.map((e) => e.pid)).size).toBeGreaterThanOrEqual(2); // ran in child processes, not here
    expect(ev.every((e) => e.pid !== process.pid)).toBe(true);
    const crashed = ev.find((e) => e.event === 'crash')!.runId;
    expect(seen.some((e) => e.type === 'run-retry' && e.runId === crashed)).toBe(true);
    const store = openResultsStore(studyPaths(join(dir, 'study')).db);
    expect(store.counts('tiny')).toEqual({ pending: 0, running: 0, done: 4, failed: 0 });
    expect(store.get(crashed)!.attempts).toBe(2);
    expect(store.curve(crashed)).toHaveLength(8);
    store.close();

    // Running the study again reruns nothing.
    const again = await runStudy({ definition, dir: join(dir, 'study'), workers: 2, executor: { name: 'fake', options: { logFile: log } } });
    expect(again).toMatchObject({ skipped: 4, done: 0 });
    expect(events(log).filter((e) => e.event === 'start')).toHaveLength(5);
  });

  it('a run that keeps failing is marked failed after maxAttempts, the others finish', async () => {
    const out = await runStudy({
      definition: { ...definition, name: 'failing' }, dir: join(dir, 'failing'), workers: 1, maxAttempts: 2,
      executor: { name: 'no-such-executor' },
    });
    expect(out).toMatchObject({ done: 0, failed: 4 });
    const store = openResultsStore(studyPaths(join(dir, 'failing')).db);
    expect(store.list({ study: 'failing' }).every((r) => r.status === 'failed' && /unknown executor "no-such-executor"/.test(r.error ?? ''))).toBe(true);
    expect(store.list({ study: 'failing' }).map((r) => r.attempts)).toEqual([2, 2, 2, 2]);
    store.close();
    // Running the study again (or restarting it) does not give a run that used up its attempts a fresh set: the
    // limit is per run, not per invocation. --retry-failed does.
    const again = await runStudy({ definition: { ...definition, name: 'failing' }, dir: join(dir, 'failing'), workers: 1, maxAttempts: 2, executor: { name: 'no-such-executor' } });
    expect(again).toMatchObject({ done: 0, failed: 4, exhausted: 4 });
    const s2 = openResultsStore(studyPaths(join(dir, 'failing')).db);
    expect(s2.list({ study: 'failing' }).map((r) => r.attempts)).toEqual([2, 2, 2, 2]);
    s2.close();
    const retried = await runStudy({ definition: { ...definition, name: 'failing' }, dir: join(dir, 'failing'), workers: 1, maxAttempts: 2, retryFailed: true, executor: { name: 'no-such-executor' } });
    expect(retried).toMatchObject({ done: 0, failed: 4, exhausted: 0 });
    const s3 = openResultsStore(studyPaths(join(dir, 'failing')).db);
    expect(s3.list({ study: 'failing' }).map((r) => r.attempts)).toEqual([4, 4, 4, 4]);
    s3.close();
  });
});
