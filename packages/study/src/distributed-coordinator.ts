// The coordinator side of the distributed mode: enqueue a study's unfinished runs on a BullMQ queue
// (job id = run id, so re-enqueueing is a no-op) and collect results into the store as jobs complete.
// A killed coordinator loses nothing: finished jobs keep their results in Redis until it comes back.
import { Queue, QueueEvents, type Job } from 'bullmq';
import type { ResultsStore } from './results-store.js';
import { redisOptionsFromUrl, redisOutage } from './redis-connection.js';
import type { RunConfig } from './run-config.js';
import type { RunProgress, RunResult } from './run-executor.js';
import { runLabel } from './run-label.js';
import { heldOut, type StudyEventListener } from './study-events.js';
import type { PlannedRun } from './study-plan.js';

export const DEFAULT_QUEUE = 'difflm-runs';

export interface RunJobData {
  readonly study: string;
  readonly runId: string;
  readonly config: RunConfig;
  /** The study's noise plug-in modules (for the message of a worker that lacks the run's noise type). */
  readonly plugins?: readonly string[];
}

export interface DistributedRunOptions {
  readonly redisUrl: string;
  readonly queue?: string;
  readonly study: string;
  readonly runs: readonly PlannedRun[];
  readonly store: ResultsStore;
  readonly maxAttempts?: number;
  readonly pollMs?: number;
  readonly onEvent?: StudyEventListener;
  /** The study's noise plug-in modules, named in each job. */
  readonly plugins?: readonly string[];
}

const WEEK_S = 7 * 24 * 3600;

export async function runDistributed(opts: DistributedRunOptions): Promise<{ done: number; failed: number }> {
  const connection = redisOptionsFromUrl(opts.redisUrl);
  const name = opts.queue ?? DEFAULT_QUEUE;
  const queue = new Queue(name, { connection });
  const events = new QueueEvents(name, { connection });
  const byId = new Map(opts.runs.map((r) => [r.id, r]));
  const open = new Set(byId.keys());
  const emit = opts.onEvent ?? (() => {});
  // Without listeners BullMQ prints every failed reconnect as a stack trace.
  const outage = redisOutage((error) => emit({ type: 'redis-lost', error }), () => emit({ type: 'redis-back' }));
  queue.on('error', outage.error);
  events.on('error', outage.error);
  events.on('progress', ({ jobId, data }) => {
    const run = byId.get(jobId);
    if (run && open.has(jobId) && typeof data === 'object') emit({ type: 'run-progress', runId: jobId, label: runLabel(run.config), progress: data as unknown as RunProgress });
  });
  events.on('active', ({ jobId }) => {
    const run = byId.get(jobId);
    if (!run || !open.has(jobId)) return;
    // One execution starts (a first try, a retry, or a stalled job taken over): the store counts executions.
    opts.store.countAttempt(jobId);
    emit({ type: 'run-start', runId: jobId, label: runLabel(run.config), attempt: opts.store.get(jobId)?.attempts ?? 1 });
  });
  let done = 0;
  let failed = 0;
  const collect = (job: Job | undefined, state: string, id: string): boolean => {
    const run = byId.get(id)!;
    const label = runLabel(run.config);
    // Starts this coordinator did not see (it was down) are in the job's own count.
    if (job && (state === 'completed' || state === 'failed')) opts.store.noteAttempts(id, job.attemptsStarted);
    if (job && state === 'completed') {
      const result = job.returnvalue as RunResult;
      opts.store.recordResult(id, result, 'redis');
      emit({ type: 'run-done', runId: id, label, finalLoss: result.finalLoss, ...heldOut(result) });
      done++;
      return true;
    }
    if (job && state === 'failed') {
      opts.store.recordFailure(id, job.failedReason ?? 'failed', 'redis');
      emit({ type: 'run-failed', runId: id, label, error: job.failedReason ?? 'failed' });
      failed++;
      return true;
    }
    return false;
  };
  try {
    await events.waitUntilReady();
    (await queue.getBackend().client).on('ready', outage.ready);
    // Enqueue: a job that already exists (waiting, active, completed) is left alone; a failed one is retried.
    for (const run of opts.runs) {
      const job = await queue.getJob(run.id);
      if (job && (await job.getState()) === 'failed') await job.retry('failed');
      else if (!job) {
        await queue.add('run', { study: opts.study, runId: run.id, config: run.config, ...(opts.plugins?.length ? { plugins: opts.plugins } : {}) }, {
          jobId: run.id,
          attempts: opts.maxAttempts ?? 3,
          backoff: { type: 'fixed', delay: 1000 },
          removeOnComplete: { age: WEEK_S },
          removeOnFail: { age: WEEK_S },
        });
      }
      opts.store.markQueued(run.id, `redis:${name}`);
    }
    while (open.size > 0) {
      for (const id of [...open]) {
        const job = await queue.getJob(id);
        const state = job ? await job.getState() : 'missing';
        if (state === 'missing') {
          // Removed from Redis before we collected it (e.g. an old study): enqueue it again.
          const run = byId.get(id)!;
          await queue.add('run', { study: opts.study, runId: id, config: run.config, ...(opts.plugins?.length ? { plugins: opts.plugins } : {}) }, { jobId: id, attempts: opts.maxAttempts ?? 3, removeOnComplete: { age: WEEK_S }, removeOnFail: { age: WEEK_S } });
          continue;
        }
        if (collect(job, state, id)) open.delete(id);
      }
      if (open.size > 0) await new Promise((r) => setTimeout(r, opts.pollMs ?? 500));
    }
  } finally {
    await events.close();
    await queue.close();
  }
  return { done, failed };
}
