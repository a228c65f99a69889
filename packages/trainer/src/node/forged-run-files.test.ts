// Property-based: the other files of a run directory, forged or damaged while the run is stopped — a field of a
// metrics or evaluation row replaced by an arbitrary value or removed, a line replaced by junk, removed, repeated or
// moved, a file cut at an arbitrary byte, config.json's fields, owner.json, summary.json and environment.jsonl
// replaced. Resume must then either refuse with one line naming the file and the fix (changing nothing), or go on
// and leave a directory whose every row is one the run could have written, with the uninterrupted run's result.
// What it may not do: fail with an internal error, or carry a row no run writes into the logs a study reads.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@difflm/test-utils';
import { memoryRunComponents, memoryRunConfig } from '../../test/memory-run.js';
import { checkRunHistory } from './run-history.js';
import { openRun } from './open-run.js';
import { runTraining } from './run-training.js';
import type { RunResult } from './run-training.js';

beforeAll(async () => { await useBackend('cpu'); });
const tmp = mkdtempSync(join(tmpdir(), 'difflm-forged-files-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const components = memoryRunComponents;
const config = { ...memoryRunConfig, eval: { ...memoryRunConfig.eval, every: 2, levels: 2 } };

const junk = fc.oneof(
  fc.integer({ min: -1e6, max: 1e6 }), fc.constantFrom(0, 1, 2, 6, 7, 1e12, -1, 2 ** 53),
  fc.double(), fc.constantFrom(Number.NaN, Infinity, -Infinity), fc.string({ maxLength: 6 }), fc.constant(null),
  fc.constant(undefined), fc.constant([1]), fc.constant({}),
);

type Files = Record<string, string>;
interface Forgery { what: string; apply: (f: Files) => void }

const lines = (text: string): string[] => text.split('\n').filter((l) => l.length > 0);
const unlines = (ls: readonly string[]): string => (ls.length ? `${ls.join('\n')}\n` : '');
const METRIC_FIELDS = ['step', 'loss', 'elbo', 'lr', 'gradNorm', 'tokens', 'flops', 'tokensPerSec'];
const EVAL_FIELDS = ['step', 'elbo', 'pplBound', 'bitsPerByte', 'tokens', 'standardError', 'batches'];

/** A field of one row set to an arbitrary value (undefined: removed). */
const rowField = (file: string, fields: readonly string[]): fc.Arbitrary<Forgery> =>
  fc.tuple(fc.nat(), fc.constantFrom(...fields), junk).map(([i, k, v]) => ({
    what: `${file} row ${i} ${k} = ${JSON.stringify(v) ?? 'removed'}`,
    apply: (f: Files) => {
      const ls = lines(f[file]!);
      const row = JSON.parse(ls[i % ls.length]!) as Record<string, unknown>;
      if (v === undefined) delete row[k]; else row[k] = v;
      ls[i % ls.length] = JSON.stringify(row);
      f[file] = unlines(ls);
    },
  }));

const lineEdit = (file: string): fc.Arbitrary<Forgery> => fc.oneof(
  fc.tuple(fc.nat(), fc.string({ maxLength: 12 })).map(([i, s]) => ({ what: `${file} line ${i} replaced by ${JSON.stringify(s)}`, apply: (f: Files) => { const ls = lines(f[file]!); ls[i % ls.length] = s; f[file] = unlines(ls); } })),
  fc.nat().map((i) => ({ what: `${file} line ${i} removed`, apply: (f: Files) => { const ls = lines(f[file]!); ls.splice(i % ls.length, 1); f[file] = unlines(ls); } })),
  fc.nat().map((i) => ({ what: `${file} line ${i} repeated`, apply: (f: Files) => { const ls = lines(f[file]!); ls.splice(i % ls.length, 0, ls[i % ls.length]!); f[file] = unlines(ls); } })),
  fc.tuple(fc.nat(), fc.nat()).map(([i, j]) => ({ what: `${file} lines ${i} and ${j} swapped`, apply: (f: Files) => { const ls = lines(f[file]!); const a = i % ls.length, b = j % ls.length; [ls[a], ls[b]] = [ls[b]!, ls[a]!]; f[file] = unlines(ls); } })),
  fc.nat().map((n) => ({ what: `${file} cut at byte ${n}`, apply: (f: Files) => { f[file] = f[file]!.slice(0, n % (f[file]!.length + 1)); } })),
);

/** A config.json field (found by walking the stored config) set to an arbitrary value. */
const configField = (paths: readonly string[]): fc.Arbitrary<Forgery> => fc.tuple(fc.constantFrom(...paths), junk).map(([p, v]) => ({
  what: `config.json ${p} = ${JSON.stringify(v) ?? 'removed'}`,
  apply: (f: Files) => {
    const c = JSON.parse(f['config.json']!) as Record<string, unknown>;
    const keys = p.split('.');
    let o = c;
    for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
    if (v === undefined) delete o[keys.at(-1)!]; else o[keys.at(-1)!] = v;
    f['config.json'] = JSON.stringify(c);
  },
}));

const wholeFile = (file: string): fc.Arbitrary<Forgery> => fc.oneof(
  fc.string({ maxLength: 40 }).map((s) => ({ what: `${file} = ${JSON.stringify(s)}`, apply: (f: Files) => { f[file] = s; } })),
  junk.map((v) => ({ what: `${file} = JSON ${JSON.stringify(v) ?? 'undefined'}`, apply: (f: Files) => { f[file] = `${JSON.stringify(v) ?? ''}\n`; } })),
);

const owner = fc.oneof(
  wholeFile('owner.json'),
  // A lease that names a live process on this host (pid 1) until far ahead: the directory is someone else's.
  fc.constant({ what: 'owner.json names a live process', apply: (f: Files) => { f['owner.json'] = JSON.stringify({ token: 'x', host: hostname(), pid: 1, until: Date.now() + 3_600_000 }); } }),
  fc.constant({ what: 'owner.json names a dead process', apply: (f: Files) => { f['owner.json'] = JSON.stringify({ token: 'x', host: hostname(), pid: 2 ** 22 + 7, until: Date.now() + 3_600_000 }); } }),
);

const flatten = (o: unknown, prefix = ''): string[] => (o !== null && typeof o === 'object' && !Array.isArray(o)
  ? Object.entries(o).flatMap(([k, v]) => [`${prefix}${k}`, ...flatten(v, `${prefix}${k}.`)])
  : []);

const INTERNAL = /TypeError|ReferenceError|RangeError|Cannot read|is not a function|undefined is not|Invalid typed array|at .*\.(ts|js):\d+/;

describe('forged and damaged run-directory files (property)', () => {
  it('each is refused with one line naming the file, or leaves a directory and a result the run could have', async () => {
    const base = join(tmp, 'base');
    const ctl = new AbortController();
    await runTraining({ runDir: base, config, components, signal: ctl.signal, onProgress: (e) => { if (e.type === 'step' && e.metrics.step === 6) ctl.abort(); } });
    const ref = join(tmp, 'reference');
    cpSync(base, ref, { recursive: true });
    const reference = await runTraining({ runDir: ref, components, resume: true });
    const names = ['config.json', 'metrics.jsonl', 'eval.jsonl', 'summary.json', 'environment.jsonl', 'owner.json'];
    const read = (d: string): Files => Object.fromEntries(names.map((n) => { try { return [n, readFileSync(join(d, n), 'utf8')]; } catch { return [n, '']; } }));
    const original = read(base);
    expect(lines(original['metrics.jsonl']!)).toHaveLength(6);
    expect(lines(original['eval.jsonl']!).length).toBeGreaterThanOrEqual(3);
    const configPaths = flatten(JSON.parse(original['config.json']!));

    const forgeries = fc.oneof(
      { arbitrary: rowField('metrics.jsonl', METRIC_FIELDS), weight: 4 },
      { arbitrary: rowField('eval.jsonl', EVAL_FIELDS), weight: 3 },
      { arbitrary: lineEdit('metrics.jsonl'), weight: 3 },
      { arbitrary: lineEdit('eval.jsonl'), weight: 2 },
      { arbitrary: configField(configPaths), weight: 3 },
      { arbitrary: wholeFile('config.json'), weight: 1 },
      { arbitrary: owner, weight: 1 },
      { arbitrary: wholeFile('summary.json'), weight: 1 },
      { arbitrary: wholeFile('environment.jsonl'), weight: 1 },
    );
    const counts = { refused: 0, warned: 0, accepted: 0, internal: 0 };
    const facts = { upTo: 10, tokensPerStep: 32, flopsPerStep: reference.flops / 10, lrOfStep: (k: number) => lrByStep.get(k)! };
    const lrByStep = new Map(lines(readFileSync(join(ref, 'metrics.jsonl'), 'utf8')).map((l) => JSON.parse(l) as { step: number; lr: number }).map((r) => [r.step, r.lr]));
    let n = 0;
    await fc.assert(fc.asyncProperty(forgeries, async (m) => {
      const d = join(tmp, `case-${n++}`);
      cpSync(base, d, { recursive: true });
      const files = { ...original };
      m.apply(files);
      for (const [name, text] of Object.entries(files)) if (text !== original[name]) writeFileSync(join(d, name), text);
      const before = read(d);
      const warnings: string[] = [];
      let result: RunResult | undefined, error: Error | undefined;
      try {
        result = await runTraining({ runDir: d, components, resume: true, onProgress: (e) => { if (e.type === 'warning') warnings.push(e.message); } });
      } catch (e) { error = e as Error; }
      const after = read(d);
      try {
        if (error) {
          if (INTERNAL.test(error.message) || !error.message.includes(d)) counts.internal++;
          expect(error.message, m.what).not.toMatch(INTERNAL);
          expect(error.message.includes('\n'), `${m.what}: ${error.message}`).toBe(false);
          expect(error.message, `${m.what}: ${error.message}`).toContain(d);
          expect(after['metrics.jsonl'], m.what).toBe(before['metrics.jsonl']);
          expect(after['eval.jsonl'], m.what).toBe(before['eval.jsonl']);
          counts.refused++;
          // A reader (eval, sample) of the same directory refuses an edited config.json the same way.
          if (m.what.startsWith('config.json')) {
            const opened = await openRun(d, components).then((r) => { r.dispose(); return null; }, (e: Error) => e);
            expect(opened, m.what).not.toBeNull();
            expect(opened!.message.includes('\n') || INTERNAL.test(opened!.message) || !opened!.message.includes(d), `${m.what}: ${opened!.message}`).toBe(false);
          }
        } else {
          // Gone on: training from the same checkpoint gives the uninterrupted run's result, and the logs hold only
          // rows the run could have written (a removed row is a gap the resume warned about, never a forged row).
          expect({ ...result!.last, tokensPerSec: 0 }, m.what).toEqual({ ...reference.last, tokensPerSec: 0 });
          expect(result!.eval, m.what).toEqual(reference.eval);
          expect(() => checkRunHistory({ metrics: join(d, 'metrics.jsonl'), eval: join(d, 'eval.jsonl'), branches: join(d, 'branches.jsonl') }, facts), m.what).not.toThrow();
          const steps = lines(after['metrics.jsonl']!).map((l) => (JSON.parse(l) as { step: number }).step);
          if (warnings.length) counts.warned++; else counts.accepted++;
          if (!warnings.length) expect(steps, m.what).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        }
      } finally {
        rmSync(d, { recursive: true, force: true });
      }
      return true;
    }), { numRuns: 400, seed: 20261208 });
    process.stderr.write(`forged run files: ${counts.refused} refused with one line naming the file, ${counts.warned} resumed with a warning (a gap), ${counts.accepted} resumed unchanged in meaning, ${counts.internal} internal errors, of 400\n`);
    expect(counts.internal).toBe(0);
    expect(counts.refused).toBeGreaterThan(100);
  }, 300_000);
});
