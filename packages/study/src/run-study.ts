// Run a study end to end: validate and plan (all errors before any work), open the store, skip runs
// that already finished, train the rest locally or through Redis, and save results as they arrive.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { runDistributed } from './distributed-coordinator.js';
import type { ExecutorRef } from './executor-ref.js';
import { runLocally } from './local-runner.js';
import { checkRedis } from './redis-connection.js';
import { openResultsStore } from './results-store.js';
import type { StudyDefinition } from './study-definition.js';
import type { StudyEventListener } from './study-events.js';
import { planStudy, type PlanOptions, type PlannedRun, type StudyPlan } from './study-plan.js';
import { trainingFlopsPerToken } from './throughput.js';

/** Files of a study directory. */
export function studyPaths(dir: string) {
  return { dir, db: join(dir, 'study.db'), runs: join(dir, 'runs'), report: join(dir, 'report'), definition: join(dir, 'study.json') };
}

export interface RunStudyOptions extends PlanOptions {
  readonly definition: StudyDefinition;
  /** The study directory (SQLite db, run dirs, report/). */
  readonly dir: string;
  readonly executor: ExecutorRef;
  /** Local run processes (default: one per core). Ignored with redisUrl. */
  readonly workers?: number;
  /** Distributed mode: enqueue on this Redis and collect what `difflm worker` processes return. */
  readonly redisUrl?: string;
  readonly queue?: string;
  /** Executions a run gets in all (default 3), across restarts of the study: a run that used them up stays failed. */
  readonly maxAttempts?: number;
  /** Give failed runs that used up their attempts a fresh set (`--retry-failed`). */
  readonly retryFailed?: boolean;
  readonly onEvent?: StudyEventListener;
  /** Extra environment for local run processes. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface StudyOutcome {
  readonly plan: StudyPlan;
  readonly dbPath: string;
  /** Runs that had finished before this call and were not run again. */
  readonly skipped: number;
  readonly done: number;
  /** Failed runs: those that failed now, and those that had used up their attempts before (not run again). */
  readonly failed: number;
  /** Failed runs not run again because they had used up their attempts (pass retryFailed to run them). */
  readonly exhausted: number;
}

export async function runStudy(opts: RunStudyOptions): Promise<StudyOutcome> {
  const plan = planStudy(opts.definition, opts);
  if (opts.redisUrl) await checkRedis(opts.redisUrl);
  const paths = studyPaths(opts.dir);
  mkdirSync(paths.runs, { recursive: true });
  writeFileSync(paths.definition, `${JSON.stringify(opts.definition, null, 2)}\n`);
  const store = openResultsStore(paths.db);
  try {
    store.addRuns(plan.name, plan.runs);
    store.resetRunning(plan.name);
    const finished = new Set(store.list({ study: plan.name, status: 'done' }).map((r) => r.id));
    // A run that failed its attempts stays failed when the study runs again or its coordinator restarts: the limit
    // is per run, not per invocation (retryFailed gives it a fresh set). A run that was only interrupted (a kill, a
    // restart) has not failed, and gets the full set again.
    const maxAttempts = opts.maxAttempts ?? 3;
    const failedBefore = new Map(store.list({ study: plan.name, status: 'failed' }).map((r) => [r.id, r.attempts]));
    const attemptsLeft = (id: string): number => (opts.retryFailed || !failedBefore.has(id) ? maxAttempts : maxAttempts - failedBefore.get(id)!);
    const exhausted = plan.runs.filter((r) => !finished.has(r.id) && attemptsLeft(r.id) <= 0);
    if (exhausted.length > 0) opts.onEvent?.({ type: 'runs-exhausted', count: exhausted.length, maxAttempts });
    // Longest runs first, so parallel workers finish together.
    const cost = (r: PlannedRun) => trainingFlopsPerToken(r.config) * r.config.tokens;
    const skip = new Set([...finished, ...exhausted.map((r) => r.id)]);
    const todo = plan.runs.filter((r) => !skip.has(r.id)).sort((a, b) => cost(b) - cost(a));
    const skipped = plan.runs.filter((r) => finished.has(r.id)).length;
    opts.onEvent?.({ type: 'study-start', total: plan.runs.length, done: skipped, pending: todo.length });
    const common = { runs: todo, store, maxAttempts, ...(opts.onEvent ? { onEvent: opts.onEvent } : {}) };
    const r = todo.length === 0
      ? { done: 0, failed: 0 }
      : opts.redisUrl
        ? await runDistributed({ ...common, redisUrl: opts.redisUrl, study: plan.name, ...(opts.queue ? { queue: opts.queue } : {}), ...(opts.definition.plugins.length ? { plugins: opts.definition.plugins } : {}) })
        : await runLocally({ ...common, attemptsLeft, runsDir: paths.runs, executor: opts.executor, workers: opts.workers ?? availableParallelism(), ...(opts.env ? { env: opts.env } : {}) });
    opts.onEvent?.({ type: 'study-done', done: skipped + r.done, failed: r.failed + exhausted.length });
    return { plan, dbPath: paths.db, skipped, done: r.done, failed: r.failed + exhausted.length, exhausted: exhausted.length };
  } finally {
    store.close();
  }
}
