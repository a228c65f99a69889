// A small scaling study through the @difflm/study API: masked vs uniform noise, two model sizes, one
// IsoFLOP budget, trained for real by @difflm/trainer in two run processes, then fitted and reported.
import { parseStudyDefinition, runStudy, writeStudyReport, type StudyEvent, type StudyOutcome } from '@difflm/study';

export const TINY_STUDY = parseStudyDefinition({
  name: 'tiny',
  description: 'Masked vs uniform at the smallest scale: 2 noise types × 2 sizes × 1 budget (byte tokens, N = 32).',
  noise: ['masked', 'uniform'],
  models: ['L1-D16-H2', 'L1-D32-H2'],
  seqLen: 32,
  budgets: [6e8],
  batch: { sequences: [8] },
  lr: { rule: 'design-law' },
  minSteps: 5,
  evaluation: { batches: 2, batchSize: 8, levels: 4 },
});

export interface TinyStudyOptions {
  /** The study directory (results database, run directories, report/). */
  readonly dir: string;
  /** TensorFlow.js backend of the run processes (default wasm). */
  readonly backend?: string;
  readonly onEvent?: (e: StudyEvent) => void;
}

export async function runTinyStudy(opts: TinyStudyOptions): Promise<StudyOutcome & { report: string }> {
  const outcome = await runStudy({
    definition: TINY_STUDY,
    dir: opts.dir,
    workers: 2,
    executor: { name: 'trainer', options: { backend: opts.backend ?? 'wasm' } },
    ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
  });
  const report = await writeStudyReport({ dir: opts.dir, bootstrap: 200, png: false });
  return { ...outcome, report: report.markdown };
}
