// Property-based: queue jobs are untrusted. A valid job of the quick study has one field replaced by arbitrary
// junk — at the top level or anywhere in its run config — and its runId recomputed as a hostile coordinator would
// (or left as it was). A worker must then either refuse it with one line ("rejected job: …") before touching the
// disk, or accept a job whose run config turns into a trainer config that the trainer accepts or refuses with a
// message of its own: never a TypeError from inside the worker or the run process.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTrainRunConfig } from '@difflm/trainer/node';
import { validateRunJob } from './distributed-worker.js';
import { runIdOf, type RunConfig } from './run-config.js';
import { parseStudyDefinition } from './study-definition.js';
import { planStudy } from './study-plan.js';
import { studyPreset } from './presets.js';
import { trainRunConfigOf } from './trainer-executor.js';

const plan = planStudy(parseStudyDefinition(studyPreset('quick'), 'preset quick'));
const run = plan.runs[0]!;

const junk = fc.oneof(
  fc.integer({ min: -1e9, max: 1e9 }), fc.double(), fc.constantFrom(Number.NaN, Infinity, -1, 0, 1e12, 2 ** 53),
  fc.string({ maxLength: 12 }), fc.constantFrom('../../etc/passwd', '/etc/passwd', '..', 'r0123456789abcdef', '__proto__', 'constructor'),
  fc.constant(null), fc.constant(undefined), fc.constant([]), fc.constant({}), fc.array(fc.integer(), { maxLength: 3 }),
);

/** Every path to a value in a JSON object (objects and arrays), e.g. ['config', 'model', 'width']. */
function paths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const keys = Object.keys(value as object);
  return [prefix, ...keys.flatMap((k) => paths((value as Record<string, unknown>)[k], [...prefix, k]))];
}

function setAt(root: Record<string, unknown>, path: string[], v: unknown): void {
  let o = root as Record<string, unknown>;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
  const last = path.at(-1)!;
  if (v === undefined) delete o[last]; else o[last] = v;
}

describe('hostile queue jobs (property)', () => {
  it('every altered job is refused with one line, or trains from a config the trainer checks itself', () => {
    const job = { study: 'quick', runId: run.id, config: run.config };
    const all = paths(job).filter((p) => p.length > 0);
    let refused = 0, accepted = 0;
    fc.assert(fc.property(fc.constantFrom(...all), junk, fc.boolean(), (path, v, rehash) => {
      const forged = structuredClone(job) as Record<string, unknown>;
      setAt(forged, path, v);
      if (rehash && typeof forged.config === 'object' && forged.config !== null) {
        try { forged.runId = runIdOf(forged.config as RunConfig); } catch { /* a config that does not even hash */ }
      }
      let checked: ReturnType<typeof validateRunJob> | undefined;
      try {
        checked = validateRunJob(forged);
      } catch (e) {
        refused++;
        expect(e, path.join('.')).not.toBeInstanceOf(TypeError);
        expect((e as Error).message, path.join('.')).toMatch(/^rejected job: /);
        expect((e as Error).message.includes('\n'), path.join('.')).toBe(false);
        return;
      }
      accepted++;
      // Accepted: the run id is its config's hash and the corpus an embedded one; what the run process makes of the
      // config is checked by the trainer's own parser, with its own messages.
      expect(checked.runId).toBe(runIdOf(checked.config));
      try {
        parseTrainRunConfig(trainRunConfigOf(checked.config, '/tmp/data', 260));
      } catch (e) {
        expect(e, `${path.join('.')} = ${String(v)}: ${(e as Error).message}`).not.toBeInstanceOf(TypeError);
        expect((e as Error).message, path.join('.')).toMatch(/^invalid training config:\n {2}\S/);
      }
    }), { numRuns: 600, seed: 20261207 });
    expect(refused).toBeGreaterThan(100);
    expect(accepted).toBeGreaterThan(0);
  });
});
