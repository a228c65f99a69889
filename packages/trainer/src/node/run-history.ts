// What a resumed run keeps of its logs is checked before anything is appended to them: every metrics, evaluation
// and branch row up to the checkpoint's step must be one this run could have written (the right fields, of the
// right kinds, each step once, and the counters that follow from the step: tokens, FLOPs, the scheduled LR). A row
// that fails is refused with one line naming the file, the line and the field, so that an edited or damaged log
// never reaches a study's reading of the curve. A half-written last line (what a kill leaves) is not an error: it
// is dropped as before. A plausible value (another ELBO in range) cannot be told from the true one.
import { existsSync, readFileSync } from 'node:fs';

export interface RunHistoryFacts {
  /** The step of the checkpoint the run resumes from (rows after it are dropped, not checked). */
  readonly upTo: number;
  readonly tokensPerStep: number;
  readonly flopsPerStep: number;
  /** The scheduled LR of the update that step k logged (the schedule at k − 1). */
  readonly lrOfStep: (step: number) => number;
  /** A finished run's final evaluation row (at upTo) is not refused: the resume evaluates again when it fails. */
  readonly reEvaluatesFinal?: boolean;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const near = (a: number, b: number, rel: number): boolean => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-30);
const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v).slice(0, 24) : String(v));

type RowCheck = (r: Record<string, unknown>, step: number) => string | null;

const nonNegative = (r: Record<string, unknown>, k: string): string | null => (isNum(r[k]) && (r[k] as number) >= 0 ? null : `${k} is ${show(r[k])}, not a non-negative number`);
const finite = (r: Record<string, unknown>, k: string): string | null => (isNum(r[k]) ? null : `${k} is ${show(r[k])}, not a finite number`);
const orNull = (check: (r: Record<string, unknown>, k: string) => string | null) => (r: Record<string, unknown>, k: string): string | null => (r[k] === null ? null : check(r, k));
const positiveInt = (r: Record<string, unknown>, k: string): string | null => (Number.isInteger(r[k]) && (r[k] as number) > 0 ? null : `${k} is ${show(r[k])}, not a positive integer`);

/** What is wrong with an evaluation's numbers (eval.jsonl rows and branch rows), or null. */
export function evalRowProblem(r: Record<string, unknown>): string | null {
  // standardError and batches came later than the other fields: rows written before them lack them.
  const p = nonNegative(r, 'elbo') ?? nonNegative(r, 'bitsPerByte') ?? positiveInt(r, 'tokens')
    ?? (r.standardError === undefined ? null : orNull(nonNegative)(r, 'standardError'))
    ?? (r.batches === undefined ? null : positiveInt(r, 'batches'))
    ?? (isNum(r.pplBound) && near(r.pplBound, Math.exp(r.elbo as number), 1e-6) ? null : `pplBound is ${show(r.pplBound)}, not exp(elbo)`);
  return p;
}

function checkFile(path: string, minStep: number, upTo: number, unique: boolean, check: RowCheck): void {
  if (!existsSync(path)) return;
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const seen = new Map<number, Record<string, unknown>>();
  let last = -Infinity;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim()) continue;
    const fail = (what: string): never => {
      throw new Error(`${path} line ${i + 1}: ${what}; the file was edited or damaged: restore it, or delete that line (the resume then reports the gap), or start a new run`);
    };
    let r: unknown;
    try {
      r = JSON.parse(line);
    } catch {
      if (i === lines.length - 1) continue; // a half-written last line, as a kill leaves it: dropped on resume
      fail('not a JSON record');
    }
    if (typeof r !== 'object' || r === null || Array.isArray(r)) fail('not a JSON object');
    const row = r as Record<string, unknown>;
    const step = row.step;
    if (!Number.isInteger(step) || (step as number) < minStep) fail(`step is ${show(step)}, not an integer ≥ ${minStep}`);
    const k = step as number;
    if (k > upTo) continue; // after the checkpoint: dropped on resume
    if (unique && seen.has(k)) {
      // The same row twice (but its speed) is what a stalled owner's last append can leave after a takeover (the
      // microseconds between its lease check and its write): the same deterministic step; the resume keeps one.
      const { tokensPerSec: _a, ...same } = row;
      const { tokensPerSec: _b, ...first } = seen.get(k)!;
      if (JSON.stringify(same) === JSON.stringify(first)) continue;
      fail(`step ${k} appears twice with different values`);
    }
    if (k < last) fail(`step ${k} comes after step ${last}`);
    seen.set(k, row);
    last = k;
    const problem = check(row, k);
    if (problem) fail(problem);
  }
}

/** Throws one line naming the file, line and field when a kept row is not one this run could have written. */
export function checkRunHistory(paths: { metrics: string; eval: string; branches: string }, facts: RunHistoryFacts): void {
  // A step whose gradient was not finite skipped its update and logged gradNorm null; its loss and ELBO may then be
  // null (not finite) too.
  checkFile(paths.metrics, 1, facts.upTo, true, (r, k) =>
    (r.gradNorm === null ? orNull(finite)(r, 'loss') ?? orNull(nonNegative)(r, 'elbo') : finite(r, 'loss') ?? nonNegative(r, 'elbo'))
    ?? orNull(nonNegative)(r, 'gradNorm') ?? nonNegative(r, 'tokensPerSec')
    ?? (r.tokens === k * facts.tokensPerStep ? null : `tokens is ${show(r.tokens)} where step ${k} has trained ${k * facts.tokensPerStep}`)
    ?? (isNum(r.flops) && near(r.flops, k * facts.flopsPerStep, 1e-9) ? null : `flops is ${show(r.flops)} where step ${k} has spent ${k * facts.flopsPerStep}`)
    ?? (isNum(r.lr) && near(r.lr, facts.lrOfStep(k), 1e-6) ? null : `lr is ${show(r.lr)} where the schedule gives ${facts.lrOfStep(k)} at step ${k}`));
  checkFile(paths.eval, 0, facts.upTo, true, (r, k) => (facts.reEvaluatesFinal && k === facts.upTo ? null : evalRowProblem(r)));
  // A branch row: the trunk step it left from (step), the step it ends at (target), once per target.
  const targets = new Set<number>();
  checkFile(paths.branches, 0, facts.upTo, false, (r, k) => {
    if (!Number.isInteger(r.target) || (r.target as number) <= k) return `target is ${show(r.target)}, not a step after the trunk step ${k}`;
    if (targets.has(r.target as number)) return `target ${show(r.target)} appears twice`;
    targets.add(r.target as number);
    return positiveInt(r, 'cooldownSteps') ?? evalRowProblem(r);
  });
}
