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
