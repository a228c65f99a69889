// A distributed worker: takes run jobs from the BullMQ queue and trains them in run processes (so the
// event loop stays free to renew job locks). A killed worker's jobs are recovered by the stalled-job
// check of the remaining workers after lockMs and run again; finished jobs are never taken again.
import { Worker } from 'bullmq';
import { join } from 'node:path';
import { DEFAULT_QUEUE, type RunJobData } from './distributed-coordinator.js';
import type { ExecutorRef } from './executor-ref.js';
import { redisOptionsFromUrl } from './redis-connection.js';
import type { RunResult } from './run-executor.js';
import { createRunProcessPool } from './run-process-pool.js';
import { readRunResultFile } from './run-result-file.js';

export interface StudyWorkerOptions {
  readonly redisUrl: string;
  readonly queue?: string;
  /** Runs trained at once on this machine (default: one). */
  readonly slots?: number;
  readonly executor: ExecutorRef;
  /** Where run directories go on this machine. */
  readonly workDir: string;
  /** Job lock duration; a dead worker's job is taken over after about this long (default 30 s). */
  readonly lockMs?: number;
  /** How often a job may stall (its worker died) before it fails (default 5). */
  readonly maxStalledCount?: number;
  readonly onEvent?: (e: { type: 'job-start' | 'job-done' | 'job-failed'; runId: string; error?: string }) => void;
}

export interface StudyWorker {
  /** Stop taking jobs, wait for the active ones, stop the run processes. */
  close(): Promise<void>;
}

export async function startStudyWorker(opts: StudyWorkerOptions): Promise<StudyWorker> {
  const connection = redisOptionsFromUrl(opts.redisUrl);
  const slots = opts.slots ?? 1;
  const pool = createRunProcessPool({ size: slots, executor: opts.executor });
  const lockDuration = opts.lockMs ?? 30_000;
  const worker = new Worker<RunJobData, RunResult>(
    opts.queue ?? DEFAULT_QUEUE,
    async (job) => {
      const { runId, config } = job.data;
      const runDir = join(opts.workDir, runId);
      // This machine finished the run before but died before reporting it: report, do not retrain.
      const saved = readRunResultFile(runDir);
      if (saved) return saved;
      opts.onEvent?.({ type: 'job-start', runId });
      try {
        const result = await pool.execute(runId, config, runDir, (p) => void job.updateProgress({ ...p }).catch(() => {}));
        opts.onEvent?.({ type: 'job-done', runId });
        return result;
      } catch (e) {
        opts.onEvent?.({ type: 'job-failed', runId, error: (e as Error).message });
        throw e;
      }
    },
    { connection, concurrency: slots, lockDuration, stalledInterval: Math.max(1000, Math.round(lockDuration / 2)), maxStalledCount: opts.maxStalledCount ?? 5 },
  );
  worker.on('error', () => {}); // connection hiccups are retried by ioredis; job errors go through onEvent
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      await pool.close();
    },
  };
}
