import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runProcessEnv } from './run-process-pool.js';

describe('runProcessEnv', () => {
  it('gives every run process one kernel thread, however many processes share the machine (local and worker runs agree)', () => {
    const cores = availableParallelism();
    for (const size of [1, 2, cores, cores * 4]) expect(runProcessEnv(size, {}).OPENBLAS_NUM_THREADS).toBe('1');
  });

  it('keeps a thread count the caller set, in the base or the extra environment', () => {
    expect(runProcessEnv(2, { OPENBLAS_NUM_THREADS: '7' }).OPENBLAS_NUM_THREADS).toBe('7');
    expect(runProcessEnv(2, {}, { OPENBLAS_NUM_THREADS: '3' }).OPENBLAS_NUM_THREADS).toBe('3');
    expect(runProcessEnv(2, { A: '1' }, { B: '2' })).toMatchObject({ A: '1', B: '2' });
  });
});
