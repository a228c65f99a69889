import { describe, expect, it } from 'vitest';
import { sharedPath, sharedSkipReason } from './shared-data.js';
import { expectNoLeaks, useBackend } from './tf-backend.js';

describe('test-utils', () => {
  it('finds nothing for a path that does not exist', () => {
    expect(sharedPath('no-such-file-here.json')).toBeUndefined();
    expect(sharedSkipReason('fixtures')).toContain('fixtures');
  });
  it('detects a tensor leak', async () => {
    const tf = await useBackend('cpu');
    await expect(expectNoLeaks(() => { tf.scalar(1); })).rejects.toThrow(/tensor leak/);
    await expect(expectNoLeaks(() => tf.tidy(() => { tf.scalar(2); }))).resolves.toBeUndefined();
  });
});

describe('relativeL2', () => {
  it('is the relative L2 error against the reference, and refuses arrays of different lengths', async () => {
    const { relativeL2, worstRelativeL2 } = await import('./compare.js');
    expect(relativeL2([3, 4], [3, 4])).toBe(0);
    expect(relativeL2([3, 5], [3, 4])).toBeCloseTo(1 / 5, 12);
    expect(worstRelativeL2([[1, 1], [3, 5]], [[1, 1], [3, 4]])).toBeCloseTo(1 / 5, 12);
    expect(() => relativeL2([1], [1, 2])).toThrow(/lengths differ/);
  });
});
