// Consumer check for @difflm/study: plan the quick preset, run a tiny study in child run processes
// (the built run-process entry) with the test-only fake executor, and read the results store back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportRuns, openResultsStore, parseStudyDefinition, planStudy, runStudy, studyPaths, studyPreset, summarizeDryRun, STORED_THROUGHPUT } from '@difflm/study';

const fail = (msg) => { console.error(`study consumer: ${msg}`); process.exit(1); };
const quick = planStudy(parseStudyDefinition(studyPreset('quick')));
// The curve design: 9 sizes × 2 noise types, one size replicated with 2 extra seeds.
if (quick.runs.length !== 20) fail(`quick preset should have 20 runs, got ${quick.runs.length}`);
if (!quick.runs.every((r) => r.config.reads?.length > 0)) fail('every run of the curve design should be read at one budget at least');
const dry = summarizeDryRun(quick, STORED_THROUGHPUT, 2);
if (!(dry.estimates.length > 0 && dry.estimates.every((e) => e.wallSeconds > 0))) fail('dry-run estimates missing');

const dir = mkdtempSync(join(tmpdir(), 'difflm-study-consumer-'));
try {
  const definition = parseStudyDefinition({ name: 'consumer', noise: ['masked', 'uniform'], models: ['L1-D16-H1'], seqLen: 16, budgets: [5e8], batch: { sequences: [4] }, lr: { values: [0.1] }, minSteps: 5 });
  const out = await runStudy({ definition, dir, workers: 2, executor: { name: 'fake', options: { msPerStep: 5, points: 4 } } });
  if (out.done !== 2 || out.failed !== 0) fail(`expected 2 runs done, got ${JSON.stringify({ done: out.done, failed: out.failed })}`);
  const store = openResultsStore(studyPaths(dir).db);
  const runs = store.list({ study: 'consumer' });
  const csv = exportRuns(runs, 'csv', store.curve).trim().split('\n');
  store.close();
  if (runs.length !== 2 || !runs.every((r) => r.status === 'done' && r.finalLoss > 0)) fail('runs not recorded as done');
  if (csv.length !== 3) fail(`csv export should have 3 lines, got ${csv.length}`);
  console.log(`study: quick plans ${quick.runs.length} runs (${quick.totalFlops.toExponential(2)} FLOPs); a 2-run study ran in child processes`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
