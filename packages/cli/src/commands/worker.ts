import { defineCommand } from 'citty';

// Placeholder until its issue lands: it says so and exits non-zero.
export default defineCommand({
  meta: { name: 'worker', description: '(not yet available)' },
  run() {
    throw new Error('difflm worker is not available in this build yet');
  },
});
