// Executors are named in messages to worker processes ({ name, options }) and loaded there. A lookup
// table of loaders, so new executors are values, not branches.
import type { RunExecutor } from './run-executor.js';

export interface ExecutorRef {
  readonly name: string;
  readonly options?: Readonly<Record<string, unknown>>;
}

type Loader = (options: Readonly<Record<string, unknown>>) => Promise<RunExecutor>;

const LOADERS: Readonly<Record<string, Loader>> = {
  /** Trains each run with @difflm/trainer (the real thing). */
  trainer: async (options) => (await import('./trainer-executor.js')).trainerExecutor(options),
  /** Synthetic, for tests only (see fake-executor.ts). */
  fake: async (options) => (await import('./fake-executor.js')).fakeExecutor(options),
};

export const EXECUTOR_NAMES = Object.keys(LOADERS);

export function loadExecutor(ref: ExecutorRef): Promise<RunExecutor> {
  const loader = LOADERS[ref.name];
  if (!loader) throw new Error(`unknown executor "${ref.name}"; use one of ${EXECUTOR_NAMES.join(', ')}`);
  return loader(ref.options ?? {});
}
