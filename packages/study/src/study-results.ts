// Load a study's finished runs for reporting: the runs of its current definition (study.json) that
// are done, in the store.
import { existsSync, readFileSync } from 'node:fs';
import { openResultsStore, type StoredRun } from './results-store.js';
import type { CurvePoint } from './run-executor.js';
import { studyPaths } from './run-study.js';
import { parseStudyJson, type StudyDefinition } from './study-definition.js';
import { planStudy } from './study-plan.js';

export interface FinishedRun extends StoredRun {
  readonly curve: readonly CurvePoint[];
}

export interface StudyResults {
  readonly definition: StudyDefinition;
  readonly runs: readonly FinishedRun[];
  /** Runs of the definition that are not done (pending, running or failed). */
  readonly missing: number;
}

export function loadStudyResults(dir: string): StudyResults {
  const paths = studyPaths(dir);
  if (!existsSync(paths.db) || !existsSync(paths.definition)) throw new Error(`${dir} is not a study directory (it needs study.db and study.json; run \`difflm study\` first)`);
  const definition = parseStudyJson(readFileSync(paths.definition, 'utf8'), paths.definition);
  const plan = planStudy(definition, { uncheckedNoise: true });
  const store = openResultsStore(paths.db);
  try {
    const runs: FinishedRun[] = [];
    for (const { id } of plan.runs) {
      const r = store.get(id);
      if (r?.status === 'done') runs.push({ ...r, curve: store.curve(id) });
    }
    return { definition, runs, missing: plan.runs.length - runs.length };
  } finally {
    store.close();
  }
}

/** The dotted path of the first place two JSON values differ, or null. */
function firstDifference(a: unknown, b: unknown, at = ''): string | null {
  if (a === b) return null;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return at || '(root)';
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const k of keys) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], at ? `${at}.${k}` : k);
    if (d) return d;
  }
  return null;
}

/**
 * Several runs of one study (other seeds, other machines) read as one: the finished runs of every directory, each
 * grid point then averaging the runs of all of them (as replicates are). The studies must be the same study but for
 * their seed (and description and prior); a difference anywhere else is an error naming the field. The first directory's definition is kept.
 */
export function poolStudyResults(dirs: readonly string[]): StudyResults & { readonly pooled: readonly { dir: string; seed: number; runs: number }[] } {
  if (dirs.length === 0) throw new Error('poolStudyResults: no study directories given');
  const all = dirs.map((dir) => ({ dir, results: loadStudyResults(dir) }));
  const first = all[0]!;
  // What the runs are (everything but the seed) must agree; the description and the prior (what --dry-run predicts
  // from) say nothing about them.
  const strip = (d: StudyDefinition): unknown => JSON.parse(JSON.stringify({ ...d, seed: 0, description: '', prior: undefined }));
  for (const { dir, results } of all.slice(1)) {
    const diff = firstDifference(strip(first.results.definition), strip(results.definition));
    if (diff) throw new Error(`--pool: ${dir} is another study than ${first.dir} (they differ in ${diff}); pool runs of one study under other seeds`);
  }
  return {
    definition: first.results.definition,
    runs: all.flatMap(({ results }) => results.runs),
    missing: all.reduce((s, { results }) => s + results.missing, 0),
    pooled: all.map(({ dir, results }) => ({ dir, seed: results.definition.seed, runs: results.runs.length })),
  };
}
