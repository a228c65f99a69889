// Messages between a runner and its run processes (child_process IPC). Plain JSON, numbers only.
import type { ExecutorRef } from './executor-ref.js';
import type { RunConfig } from './run-config.js';
import type { RunProgress, RunResult } from './run-executor.js';

export type ToRunProcess = { readonly type: 'run'; readonly runId: string; readonly runDir: string; readonly config: RunConfig; readonly executor: ExecutorRef };

export type FromRunProcess =
  | { readonly type: 'ready' }
  | { readonly type: 'progress'; readonly runId: string; readonly progress: RunProgress }
  | { readonly type: 'result'; readonly runId: string; readonly result: RunResult }
  | { readonly type: 'error'; readonly runId: string; readonly message: string };
