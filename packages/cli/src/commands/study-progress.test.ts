import { describe, expect, it } from 'vitest';
import { lineProgress } from './study-progress.js';

describe('study progress without a terminal', () => {
  it('prints a status line with the runs in flight at most every interval, and numbers finished runs', () => {
    let t = 0;
    const lines: string[] = [];
    const p = lineProgress({ write: (s: string) => lines.push(s) }, () => t, 30_000);
    p.onEvent({ type: 'study-start', total: 3, done: 1, pending: 2 } as never);
    p.onEvent({ type: 'run-start', runId: 'r1', label: 'masked L2-D12', attempt: 1 });
    const progress = (step: number) => p.onEvent({ type: 'run-progress', runId: 'r1', label: 'masked L2-D12', progress: { step, steps: 100, loss: 3, tokensPerSec: 51234 } } as never);
    t = 10_000; progress(10);
    expect(lines).toHaveLength(1);
    t = 31_000; progress(40);
    t = 40_000; progress(50);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('status 1/3 runs done after 0.5 min · running: masked L2-D12 40/100 steps 51234 tok/s\n');
    p.onEvent({ type: 'run-done', runId: 'r1', label: 'masked L2-D12', finalLoss: 2.5, heldOutLoss: 2.4 } as never);
    expect(lines[2]).toMatch(/^done {3}\[2\/3\] r1 masked L2-D12 train ELBO \(EMA\) 2\.5000, held-out ELBO 2\.4000\n$/);
    t = 70_000; progress(60); // a late event of a finished run is not shown as running
    expect(lines[3]).toBe('status 2/3 runs done after 1.2 min\n');
    // A run's error of several lines (the trainer lists every bad field) stays one line, every field named.
    p.onEvent({ type: 'run-failed', runId: 'r2', label: 'uniform L2-D12', error: 'invalid training config:\n  seed: expected number\n  budget.steps: must be an integer ≥ 1' });
    expect(lines[4]).toBe('FAILED r2 uniform L2-D12: invalid training config: seed: expected number; budget.steps: must be an integer ≥ 1\n');
  });
});
