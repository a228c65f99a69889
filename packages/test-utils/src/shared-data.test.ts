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
