import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runProcessEnv } from './run-process-pool.js';

describe('runProcessEnv', () => {
  it('gives each run process an even share of the cores for the native matrix kernels', () => {
    const cores = availableParallelism();
    expect(runProcessEnv(1, {}).OPENBLAS_NUM_THREADS).toBe(String(cores));
    expect(runProcessEnv(cores, {}).OPENBLAS_NUM_THREADS).toBe('1');
    expect(runProcessEnv(cores * 4, {}).OPENBLAS_NUM_THREADS).toBe('1');
  });

  it('keeps a thread count the caller set, in the base or the extra environment', () => {
    expect(runProcessEnv(2, { OPENBLAS_NUM_THREADS: '7' }).OPENBLAS_NUM_THREADS).toBe('7');
    expect(runProcessEnv(2, {}, { OPENBLAS_NUM_THREADS: '3' }).OPENBLAS_NUM_THREADS).toBe('3');
    expect(runProcessEnv(2, { A: '1' }, { B: '2' })).toMatchObject({ A: '1', B: '2' });
  });
});
