import { describe, expect, it } from 'vitest';
import { exportRuns } from './export-runs.js';
import { studyPreset } from './presets.js';
import { openResultsStore } from './results-store.js';
import { parseStudyDefinition } from './study-definition.js';
import { planStudy } from './study-plan.js';
import type { RunResult } from './run-executor.js';

const plan = planStudy(parseStudyDefinition(studyPreset('quick')));
const result = (loss: number): RunResult => ({ finalLoss: loss, metrics: { finalLoss: loss, bitsPerByte: loss * 0.5 }, curve: [{ step: 1, tokens: 512, loss: loss + 1 }, { step: 2, tokens: 1024, loss }], wallSeconds: 1.5 });

describe('results store (SQLite)', () => {
  it('adds runs idempotently and records each result exactly once', () => {
    const store = openResultsStore(':memory:');
    expect(store.addRuns('quick', plan.runs)).toBe(plan.runs.length);
    expect(store.addRuns('quick', plan.runs)).toBe(0);
    const [a, b] = plan.runs;
    store.markRunning(a!.id, 'w1');
    expect(store.get(a!.id)?.status).toBe('running');
    expect(store.recordResult(a!.id, result(3.25), 'w1')).toBe(true);
    expect(store.recordResult(a!.id, result(9.99), 'w2')).toBe(false); // a duplicate result changes nothing
    const got = store.get(a!.id)!;
    expect(got).toMatchObject({ status: 'done', finalLoss: 3.25, worker: 'w1', attempts: 1, wallSeconds: 1.5 });
    expect(got.config).toEqual(a!.config);
    expect(got.metrics).toEqual({ finalLoss: 3.25, bitsPerByte: 1.625 });
    expect(store.curve(a!.id)).toEqual([{ step: 1, tokens: 512, loss: 4.25 }, { step: 2, tokens: 1024, loss: 3.25 }]);
    expect(store.recordFailure(a!.id, 'late failure')).toBe(false); // a finished run stays finished
    store.markRunning(b!.id, 'w2');
    expect(store.resetRunning('quick')).toBe(1);
    expect(store.counts('quick')).toEqual({ pending: plan.runs.length - 1, running: 0, done: 1, failed: 0 });
    expect(store.list({ study: 'quick', status: 'done' }).map((r) => r.id)).toEqual([a!.id]);
    expect(store.studies()).toEqual(['quick']);
    store.close();
  });

  it('a queued run is pending until an execution starts (only then running), and a failed one queued again is pending', () => {
    const store = openResultsStore(':memory:');
    store.addRuns('quick', plan.runs);
    const [a, b] = plan.runs;
    for (const r of plan.runs) store.markQueued(r.id, 'redis:q');
    expect(store.counts('quick')).toMatchObject({ pending: plan.runs.length, running: 0 });
    expect(store.get(a!.id)).toMatchObject({ status: 'pending', worker: 'redis:q', attempts: 0 });
    store.countAttempt(a!.id);
    expect(store.get(a!.id)).toMatchObject({ status: 'running', attempts: 1 });
    store.recordFailure(b!.id, 'boom');
    store.markQueued(b!.id, 'redis:q');
    expect(store.get(b!.id)?.status).toBe('pending');
    store.recordResult(a!.id, result(3), 'redis');
    store.countAttempt(a!.id); // a late 'active' event changes nothing on a finished run
    expect(store.get(a!.id)).toMatchObject({ status: 'done', attempts: 1 });
    store.close();
  });

  it('exports CSV and JSONL', () => {
    const store = openResultsStore(':memory:');
    store.addRuns('quick', plan.runs.slice(0, 2));
    store.recordResult(plan.runs[0]!.id, result(3.5));
    const runs = store.list({ study: 'quick' });
    const csv = exportRuns(runs, 'csv', store.curve).trim().split('\n');
    expect(csv).toHaveLength(3);
    const header = csv[0]!.split(',');
    const done = csv.find((l) => l.startsWith(plan.runs[0]!.id))!.split(',');
    expect(done[header.indexOf('final_loss')]).toBe('3.5');
    expect(done[header.indexOf('status')]).toBe('done');
    const jsonl = exportRuns(runs, 'jsonl', store.curve).trim().split('\n').map((l) => JSON.parse(l) as { id: string; curve: unknown[] });
    expect(jsonl.find((r) => r.id === plan.runs[0]!.id)!.curve).toHaveLength(2);
    expect(() => exportRuns(runs, 'xml' as 'csv', store.curve)).toThrow(/--format must be csv or jsonl/);
    store.close();
  });
});
