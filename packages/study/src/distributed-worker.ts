// A distributed worker: takes run jobs from the BullMQ queue and trains them in run processes (so the
// event loop stays free to renew job locks). A killed worker's jobs are recovered by the stalled-job
// check of the remaining workers after lockMs and run again; finished jobs are never taken again.
import { UnrecoverableError, Worker } from 'bullmq';
import { z } from 'zod';
import { createLossWeightingRegistry, createNoiseRegistry, createScheduleRegistry, type LossWeightingRegistry, type NoiseRegistry, type ScheduleRegistry } from '@difflm/noise';
import { createOptimizerRegistry, type OptimizerRegistry } from '@difflm/trainer';
import { RUN_DIRECTORY_LOST } from '@difflm/trainer/node';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { DEFAULT_QUEUE, type RunJobData } from './distributed-coordinator.js';
import type { ExecutorRef } from './executor-ref.js';
import { redisOptionsFromUrl, redisOutage } from './redis-connection.js';
import type { RunResult } from './run-executor.js';
import { createRunProcessPool } from './run-process-pool.js';
import { readRunResultFile } from './run-result-file.js';
import { assertRunId, runIdOf, type RunConfig } from './run-config.js';

/** Corpora a job may name without a data root: the ones embedded in @difflm/data. */
const EMBEDDED_CORPORA = new Set(['sotu']);

const count = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
/** What validateRunJob requires of a job's run config (the fields read before the trainer's own parser sees it). */
const runConfigShape = z.object({
  noiseLabel: z.string().min(1).max(200),
  noise: z.object({ id: z.string().min(1).max(200) }).passthrough(),
  model: z.object({ name: z.string().max(200), layers: count, width: count, heads: count, init: z.literal('nested').optional() }).passthrough(),
  seqLen: count,
  data: z.object({ corpus: z.string().min(1), tokenizer: z.string().min(1) }).passthrough(),
  budgetFlops: z.number().positive().finite(),
  flopsPerToken: z.number().positive().finite(),
  params: z.number().nonnegative().finite(),
  batchSequences: count,
  steps: count,
  tokens: z.number().positive().finite(),
  lr: z.number().positive().finite(),
  warmupSteps: z.number().int().min(0),
  seed: z.number().int(),
  trainer: z.record(z.string(), z.unknown()),
  reads: z.array(z.object({ budget: z.number().positive().finite(), step: count })).optional(),
  readFrom: z.literal('train-ema').optional(),
  branches: z.object({ fraction: z.number().gt(0).lt(1) }).optional(),
}).passthrough();

/**
 * A queue job is untrusted input: check every field a worker acts on before it touches the disk. The run id must
 * be a run id and the hash of the job's own config (so it cannot name a path, and a job cannot claim another run's
 * directory); the corpus must be an embedded one or a path inside one of the worker's data roots.
 */
export function validateRunJob(data: unknown, dataRoots: readonly string[] = [], noiseRegistry: NoiseRegistry = createNoiseRegistry(), scheduleRegistry: ScheduleRegistry = createScheduleRegistry(), optimizerRegistry: OptimizerRegistry = createOptimizerRegistry(), lossWeightingRegistry: LossWeightingRegistry = createLossWeightingRegistry()): RunJobData {
  const bad = (why: string): never => { throw new Error(`rejected job: ${why}`); };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) bad('its data is not an object');
  const d = data as Record<string, unknown>;
  if (typeof d.study !== 'string' || !/^[\w.-]{1,100}$/.test(d.study) || d.study === '.' || d.study === '..') bad(`study ${JSON.stringify(d.study)} is not a study name`);
  if (typeof d.runId !== 'string') bad('runId is not a string');
  try { assertRunId(d.runId as string); } catch (e) { bad((e as Error).message); }
  const config = d.config as RunConfig | null;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) bad('config is not an object');
  if (runIdOf(config!) !== d.runId) bad(`runId ${String(d.runId)} is not the hash of the job's config (${runIdOf(config!)}): the job was altered`);
  // The fields the worker and its run process read, with their types: a hash proves only that the job is consistent,
  // not that a coordinator made it (a hostile one rehashes).
  const shape = runConfigShape.safeParse(config);
  if (!shape.success) {
    const issue = shape.error.issues[0]!;
    bad(`config.${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const corpus = (config!.data as { corpus?: unknown } | undefined)?.corpus;
  if (typeof corpus !== 'string' || corpus.length === 0) bad('config.data.corpus is not a string');
  if (!EMBEDDED_CORPORA.has(corpus as string)) {
    const abs = resolve(corpus as string);
    const inside = dataRoots.some((root) => { const r = relative(resolve(root), abs); return r !== '' && !r.startsWith('..') && !isAbsolute(r); });
    if (!isAbsolute(corpus as string) || !inside) {
      bad(`config.data.corpus "${String(corpus)}" is neither an embedded corpus (${[...EMBEDDED_CORPORA].join(', ')}) nor an absolute path inside this worker's --data-root${dataRoots.length ? ` (${dataRoots.join(', ')})` : ' (none given)'}`);
    }
  }
  // A noise type this worker lacks fails the run once, naming the plug-in to start the worker with (no retries:
  // every attempt on this worker would fail the same way). The worker never imports a module a job names.
  const noiseId = (config!.noise as { id?: unknown } | undefined)?.id;
  if (typeof noiseId !== 'string' || noiseId.length === 0) bad('config.noise.id is not a string');
  const plugins = Array.isArray(d.plugins) ? d.plugins.filter((p): p is string => typeof p === 'string').slice(0, 64) : [];
  if (!noiseRegistry.has(noiseId as string)) {
    bad(`noise type "${String(noiseId).slice(0, 100)}" is not registered in this worker${plugins.length ? `; the study loads its plug-ins from ${plugins.map((p) => p.slice(0, 200)).join(', ')}` : ''}: start the worker with --plugins <module> (the same plug-in, installed where the worker runs)`);
  }
  const schedule = ((config!.trainer as { objectiveOptions?: { schedule?: unknown } } | undefined)?.objectiveOptions)?.schedule;
  if (typeof schedule === 'string' && schedule !== 'process') {
    if (!scheduleRegistry.has(schedule)) bad(`λ schedule "${schedule.slice(0, 100)}" is not registered in this worker${plugins.length ? `; the study loads its plug-ins from ${plugins.map((p) => p.slice(0, 200)).join(', ')}` : ''}: start the worker with --plugins <module> (the same plug-in, installed where the worker runs)`);
  }
  const weighting = ((config!.trainer as { objectiveOptions?: { lossWeighting?: unknown } } | undefined)?.objectiveOptions)?.lossWeighting;
  if (typeof weighting === 'string' && !lossWeightingRegistry.has(weighting)) {
    bad(`loss weighting "${weighting.slice(0, 100)}" is not registered in this worker${plugins.length ? `; the study loads its plug-ins from ${plugins.map((p) => p.slice(0, 200)).join(', ')}` : ''}: start the worker with --plugins <module> (the same plug-in, installed where the worker runs)`);
  }
  const optimizer = ((config!.trainer as { optimizer?: { kind?: unknown } } | undefined)?.optimizer)?.kind;
  if (typeof optimizer === 'string' && !optimizerRegistry.has(optimizer)) {
    bad(`optimizer "${optimizer.slice(0, 100)}" is not registered in this worker${plugins.length ? `; the study loads its plug-ins from ${plugins.map((p) => p.slice(0, 200)).join(', ')}` : ''}: start the worker with --plugins <module> (the same plug-in, installed where the worker runs)`);
  }
  return { study: d.study as string, runId: d.runId as string, config: config!, ...(plugins.length ? { plugins } : {}) };
}

export interface StudyWorkerOptions {
  readonly redisUrl: string;
  readonly queue?: string;
  /** Runs trained at once on this machine (default: one). */
  readonly slots?: number;
  readonly executor: ExecutorRef;
  /** Where run directories go on this machine. */
  readonly workDir: string;
  /** Folders whose corpora jobs may name by absolute path (default: none; only embedded corpora). */
  readonly dataRoots?: readonly string[];
  /** The noise types this worker trains (its --plugins loaded; default the built-ins): a job naming another fails once. */
  readonly noiseRegistry?: NoiseRegistry;
  /** The λ schedules this worker has (its --plugins loaded; default the built-ins). */
  readonly scheduleRegistry?: ScheduleRegistry;
  /** The optimizer types this worker has (its --plugins loaded; default the built-ins). */
  readonly optimizerRegistry?: OptimizerRegistry;
  /** The loss weightings this worker has (its --plugins loaded; default the built-ins). */
  readonly lossWeightingRegistry?: LossWeightingRegistry;
  /** Job lock duration; a dead worker's job is taken over after about this long (default 30 s). */
  readonly lockMs?: number;
  /** How often a job may stall (its worker died) before it fails (default 5). */
  readonly maxStalledCount?: number;
  /**
   * `job-lost`: this worker lost a job to another one (it stalled, or was cut off from Redis, past its lock); the
   * other worker carries the run on, and this one wrote nothing more to the run directory.
   */
  readonly onEvent?: (e: { type: 'job-start' | 'job-done' | 'job-failed' | 'job-lost'; runId: string; error?: string }) => void;
  /** Redis lost (ioredis retries; `error` is its code) and back: one call each per outage. */
  readonly onRedis?: (e: { type: 'redis-lost'; error: string } | { type: 'redis-back' }) => void;
}

export interface StudyWorker {
  /** Stop taking jobs, wait for the active ones, stop the run processes. */
  close(): Promise<void>;
}

export async function startStudyWorker(opts: StudyWorkerOptions): Promise<StudyWorker> {
  const connection = redisOptionsFromUrl(opts.redisUrl);
  const slots = opts.slots ?? 1;
  const lockDuration = opts.lockMs ?? 30_000;
  // A run directory's lease (trainer run-lease.ts) runs out when the job's lock does: the worker that BullMQ hands a
  // stalled job to can take the directory over, and the stalled one, if it wakes, stops before writing more.
  const pool = createRunProcessPool({ size: slots, executor: opts.executor, env: { DIFFLM_RUN_LEASE_MS: String(lockDuration) } });
  // Jobs this worker lost to another: BullMQ's notices once per job; the run's own (it found its directory taken,
  // and wrote nothing more) always, as it says what happened to the run.
  const lost = new Set<string>();
  const jobLost = (runId: string, error: string, repeat: boolean): void => {
    if (!repeat && lost.has(runId)) return;
    lost.add(runId);
    opts.onEvent?.({ type: 'job-lost', runId, error });
  };
  const worker = new Worker<RunJobData, RunResult>(
    opts.queue ?? DEFAULT_QUEUE,
    async (job) => {
      let checked: RunJobData;
      try {
        checked = validateRunJob(job.data, opts.dataRoots, opts.noiseRegistry, opts.scheduleRegistry, opts.optimizerRegistry, opts.lossWeightingRegistry);
      } catch (e) {
        const runId = typeof (job.data as { runId?: unknown })?.runId === 'string' ? String((job.data as { runId: string }).runId).slice(0, 40) : '(none)';
        opts.onEvent?.({ type: 'job-failed', runId, error: (e as Error).message });
        throw new UnrecoverableError((e as Error).message); // never retried, never run
      }
      const { runId, config } = checked;
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
        const message = (e as Error).message.replace(/^Error: /, '');
        if (message.startsWith(RUN_DIRECTORY_LOST)) jobLost(runId, message, true);
        else opts.onEvent?.({ type: 'job-failed', runId, error: message });
        throw e;
      }
    },
    { connection, concurrency: slots, lockDuration, stalledInterval: Math.max(1000, Math.round(lockDuration / 2)), maxStalledCount: opts.maxStalledCount ?? 5 },
  );
  // Connection errors are retried by ioredis: one report per outage, not one per retry; job errors go through onEvent.
  const outage = redisOutage((error) => opts.onRedis?.({ type: 'redis-lost', error }), () => opts.onRedis?.({ type: 'redis-back' }));
  // A lock this worker failed to renew is not an outage (Redis may be fine, this worker was stalled): say which job
  // it lost, and keep the outage report for connection errors, so that a real outage later is still reported.
  // BullMQ's own job-state errors (a negative numeric code: the lock gone, the job moved on) are not outages either.
  worker.on('error', (e) => {
    const message = (e as Error)?.message ?? String(e);
    const renew = /could not renew lock for job (\S+)/.exec(message);
    if (renew) jobLost(renew[1]!, `could not renew its lock within ${lockDuration} ms (this worker stalled or lost Redis for that long); another worker may take the run over, and this one will not write to its run directory again`, false);
    else if (typeof (e as { code?: unknown }).code === 'number') {
      // Every BullMQ job-state error carries a numeric code (a lost lock, a job moved on or removed); none is an outage.
      const job = /(?:for job|^Job) ([^\s.]+)/.exec(message)?.[1] ?? '(unknown)';
      jobLost(job, `the queue no longer counts this worker as the job's owner (${message.split('\n')[0]})`, false);
    } else outage.error(e);
  });
  await worker.waitUntilReady();
  (await worker.getBackend().client).on('ready', outage.ready);
  return {
    async close() {
      await worker.close();
      await pool.close();
    },
  };
}
