// Trains a run with @difflm/trainer (wired below).
import type { RunExecutor } from './run-executor.js';

export function trainerExecutor(_options: Readonly<Record<string, unknown>>): RunExecutor {
  return {
    name: 'trainer',
    run() {
      return Promise.reject(new Error('the trainer executor is not available in this build'));
    },
  };
}
