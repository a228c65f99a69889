// A pool of run processes (one per slot). `execute` sends a run to an idle process and resolves with
// its result; a process that dies mid-run rejects with RunCrashedError and is replaced on next use.
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ExecutorRef } from './executor-ref.js';
import type { RunConfig } from './run-config.js';
import type { RunProgress, RunResult } from './run-executor.js';
import type { FromRunProcess, ToRunProcess } from './worker-messages.js';

export class RunCrashedError extends Error {
  constructor(readonly runId: string, readonly exitCode: number | null, readonly signal: string | null) {
    super(`run ${runId}: its process exited (code ${exitCode}, signal ${signal}) before finishing`);
    this.name = 'RunCrashedError';
  }
}

/** The run-process entry: from source (tests, tsx) it runs through tsx; from a build, the built file. */
function entry(): { file: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const tsx = createRequire(import.meta.url).resolve('tsx');
    return { file: join(dirname(here), 'run-process.ts'), execArgv: ['--conditions=@difflm/source', '--import', pathToFileURL(tsx).href] };
  }
  return { file: join(dirname(here), 'run-process.js'), execArgv: [] };
}

interface Slot {
  child: ChildProcess;
  busy: boolean;
}

export interface RunProcessPool {
  execute(runId: string, config: RunConfig, runDir: string, onProgress?: (p: RunProgress) => void): Promise<RunResult>;
  /** Pids of the live run processes. */
  pids(): number[];
  close(): Promise<void>;
}

export interface RunProcessPoolOptions {
  readonly size: number;
  readonly executor: ExecutorRef;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Environment for each run process: the caller's, plus one thread for the native backend's matrix kernels
 * (OPENBLAS_NUM_THREADS = 1) unless the caller set it. The count changes float rounding (measured: 1 vs 2 threads
 * differ in the 7th digit after 60 steps, and training amplifies that), so it is the same for every run process
 * whatever the number of processes or machines: a run gives the same result locally, on any worker, and when
 * resumed. Tiny study models train fastest one thread per process anyway; a user who wants otherwise sets
 * OPENBLAS_NUM_THREADS for the whole study (the runs record it in metrics.threads).
 */
export function runProcessEnv(_size: number, base: NodeJS.ProcessEnv, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...base, ...extra };
  if (env.OPENBLAS_NUM_THREADS === undefined) env.OPENBLAS_NUM_THREADS = '1';
  return env;
}

export function createRunProcessPool(opts: RunProcessPoolOptions): RunProcessPool {
  const slots: Slot[] = [];
  const { file, execArgv } = entry();
  const env = runProcessEnv(opts.size, process.env, opts.env);
  let closed = false;

  const spawnSlot = (): Slot => {
    const child = fork(file, [], { execArgv, env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const slot: Slot = { child, busy: false };
    slots.push(slot);
    child.once('exit', () => {
      const i = slots.indexOf(slot);
      if (i >= 0) slots.splice(i, 1);
    });
    return slot;
  };

  return {
    execute(runId, config, runDir, onProgress) {
      if (closed) return Promise.reject(new Error('run process pool is closed'));
      const slot = slots.find((s) => !s.busy && s.child.exitCode === null) ?? (slots.length < opts.size ? spawnSlot() : undefined);
      if (!slot) return Promise.reject(new Error(`run process pool: all ${opts.size} processes are busy`));
      slot.busy = true;
      return new Promise<RunResult>((resolve, reject) => {
        const onMessage = (raw: unknown) => {
          const m = raw as FromRunProcess;
          if (m.type === 'progress' && m.runId === runId) onProgress?.(m.progress);
          else if (m.type === 'result' && m.runId === runId) done(() => resolve(m.result));
          else if (m.type === 'error' && m.runId === runId) done(() => reject(new Error(m.message)));
        };
        const onExit = (code: number | null, signal: string | null) => done(() => reject(new RunCrashedError(runId, code, signal)));
        const done = (settle: () => void) => {
          slot.child.off('message', onMessage);
          slot.child.off('exit', onExit);
          slot.busy = false;
          settle();
        };
        slot.child.on('message', onMessage);
        slot.child.once('exit', onExit);
        const msg: ToRunProcess = { type: 'run', runId, runDir, config, executor: opts.executor };
        slot.child.send(msg);
      });
    },
    pids: () => slots.map((s) => s.child.pid).filter((p): p is number => p !== undefined),
    async close() {
      closed = true;
      await Promise.all(
        slots.map((s) => new Promise<void>((res) => {
          if (s.child.exitCode !== null || s.child.signalCode !== null) return res();
          s.child.once('exit', () => res());
          if (s.child.connected) s.child.disconnect(); else s.child.kill("SIGTERM");
          setTimeout(() => s.child.kill('SIGKILL'), 5000).unref();
        })),
      );
    },
  };
}
