// Rows the trainer itself writes must pass the resume's history check; rows it cannot have written must not.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRunHistory } from './run-history.js';

const dir = mkdtempSync(join(tmpdir(), 'difflm-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const facts = { upTo: 3, tokensPerStep: 8, flopsPerStep: 80, lrOfStep: (k: number) => 0.1 * k };
const row = (step: number, over: Record<string, unknown> = {}) => ({ step, loss: 1, elbo: 2, lr: 0.1 * step, gradNorm: 3, tokens: 8 * step, flops: 80 * step, tokensPerSec: 100, ...over });
const check = (rows: object[], evalRows: object[] = []): void => {
  const paths = { metrics: join(dir, 'metrics.jsonl'), eval: join(dir, 'eval.jsonl'), branches: join(dir, 'branches.jsonl') };
  writeFileSync(paths.metrics, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  writeFileSync(paths.eval, evalRows.map((r) => JSON.stringify(r)).join('\n') + (evalRows.length ? '\n' : ''));
  checkRunHistory(paths, facts);
};

describe('checkRunHistory', () => {
  it('accepts what the trainer writes: a skipped non-finite step (gradNorm, loss and elbo null), old eval rows without standardError', () => {
    expect(() => check([row(1), row(2, { gradNorm: null, loss: null, elbo: null }), row(3)])).not.toThrow();
    expect(() => check([row(1)], [{ step: 1, elbo: 2, pplBound: Math.exp(2), bitsPerByte: 2.8, tokens: 64 }])).not.toThrow();
  });

  it('tolerates a repeated row (a stalled owner\'s last append) but not a step logged twice with other values', () => {
    expect(() => check([row(1), row(2), row(2, { tokensPerSec: 7 }), row(3)])).not.toThrow();
    expect(() => check([row(1), row(2), row(2, { elbo: 2.5 })])).toThrow(/metrics\.jsonl line 3: step 2 appears twice with different values/);
  });

  it('refuses a null loss on a step whose gradient was finite, and counters that do not follow from the step', () => {
    expect(() => check([row(1, { loss: null })])).toThrow(/line 1: loss is null, not a finite number/);
    expect(() => check([row(1), row(2, { tokens: 9 })])).toThrow(/line 2: tokens is 9 where step 2 has trained 16/);
  });
});
