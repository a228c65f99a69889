// Events a study run emits, for progress bars and logs (plain numbers and strings).
import type { RunProgress } from './run-executor.js';

export type StudyEvent =
  | { readonly type: 'study-start'; readonly total: number; readonly done: number; readonly pending: number }
  | { readonly type: 'run-start'; readonly runId: string; readonly label: string; readonly attempt: number }
  | { readonly type: 'run-progress'; readonly runId: string; readonly label: string; readonly progress: RunProgress }
  | { readonly type: 'run-done'; readonly runId: string; readonly label: string; readonly finalLoss: number; readonly heldOutLoss?: number }
  | { readonly type: 'run-retry'; readonly runId: string; readonly label: string; readonly attempt: number; readonly error: string }
  | { readonly type: 'run-failed'; readonly runId: string; readonly label: string; readonly error: string }
  | { readonly type: 'study-done'; readonly done: number; readonly failed: number }
  /** Failed runs that used up their attempts in earlier invocations and are not run again (--retry-failed runs them). */
  | { readonly type: 'runs-exhausted'; readonly count: number; readonly maxAttempts: number }
  /** The distributed coordinator lost its Redis connection (ioredis retries) / has it again. */
  | { readonly type: 'redis-lost'; readonly error: string }
  | { readonly type: 'redis-back' };

export type StudyEventListener = (e: StudyEvent) => void;

/** The held-out loss of a run result, for the run-done event (absent when the run has no evaluation). */
export function heldOut(result: { readonly metrics?: Readonly<Record<string, number>> | null }): { heldOutLoss?: number } {
  const v = result.metrics?.evalElbo;
  return v !== undefined && Number.isFinite(v) ? { heldOutLoss: v } : {};
}
