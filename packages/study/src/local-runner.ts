// The local runner: one run process per slot (default: one per core); runs that fail or crash are
// retried up to maxAttempts; each result is saved to the store as soon as it arrives.
import { join } from 'node:path';
import type { ExecutorRef } from './executor-ref.js';
import type { ResultsStore } from './results-store.js';
import { runLabel } from './run-label.js';
import { readRunResultFile } from './run-result-file.js';
import { createRunProcessPool } from './run-process-pool.js';
import type { PlannedRun } from './study-plan.js';
import { heldOut, type StudyEventListener } from './study-events.js';

export interface LocalRunOptions {
  readonly runs: readonly PlannedRun[];
  readonly store: ResultsStore;
  readonly runsDir: string;
  readonly executor: ExecutorRef;
  readonly workers: number;
  readonly maxAttempts?: number;
  /** Attempts a run has left in this invocation (default maxAttempts). */
  readonly attemptsLeft?: (runId: string) => number;
  readonly onEvent?: StudyEventListener;
  readonly env?: NodeJS.ProcessEnv;
}

export async function runLocally(opts: LocalRunOptions): Promise<{ done: number; failed: number }> {
  const maxAttempts = opts.maxAttempts ?? 3;
  const size = Math.max(1, Math.min(opts.workers, opts.runs.length));
  const pool = createRunProcessPool({ size, executor: opts.executor, ...(opts.env ? { env: opts.env } : {}) });
  const queue = [...opts.runs];
  const worker = `local:${process.pid}`;
  let done = 0;
  let failed = 0;
  const lane = async () => {
    for (let run = queue.shift(); run; run = queue.shift()) {
      const label = runLabel(run.config);
      const runDir = join(opts.runsDir, run.id);
      const saved = readRunResultFile(runDir);
      if (saved) {
        // Finished before a restart but never recorded: record it, do not train it again.
        opts.store.recordResult(run.id, saved, worker);
        opts.onEvent?.({ type: 'run-done', runId: run.id, label, finalLoss: saved.finalLoss, ...heldOut(saved) });
        done++;
        continue;
      }
      // A run that failed in an earlier invocation gets only the attempts it has left.
      const limit = opts.attemptsLeft?.(run.id) ?? maxAttempts;
      for (let attempt = 1; ; attempt++) {
        opts.store.markRunning(run.id, worker);
        opts.onEvent?.({ type: 'run-start', runId: run.id, label, attempt });
        try {
          const result = await pool.execute(run.id, run.config, runDir, (progress) =>
            opts.onEvent?.({ type: 'run-progress', runId: run!.id, label, progress }));
          opts.store.recordResult(run.id, result, worker);
          opts.onEvent?.({ type: 'run-done', runId: run.id, label, finalLoss: result.finalLoss, ...heldOut(result) });
          done++;
          break;
        } catch (e) {
          const error = e instanceof Error ? e.message : String(e);
          if (attempt >= limit) {
            opts.store.recordFailure(run.id, error, worker);
            opts.onEvent?.({ type: 'run-failed', runId: run.id, label, error });
            failed++;
            break;
          }
          opts.onEvent?.({ type: 'run-retry', runId: run.id, label, attempt, error });
        }
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: size }, lane));
  } finally {
    await pool.close();
  }
  return { done, failed };
}
