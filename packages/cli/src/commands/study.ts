import { defineCommand } from 'citty';

// Placeholder until its issue lands: it says so and exits non-zero.
export default defineCommand({
  meta: { name: 'study', description: '(not yet available)' },
  run() {
    throw new Error('difflm study is not available in this build yet');
  },
});
