import { defineCommand } from 'citty';

// Placeholder until its issue lands: it says so and exits non-zero.
export default defineCommand({
  meta: { name: 'runs', description: '(not yet available)' },
  run() {
    throw new Error('difflm runs is not available in this build yet');
  },
});
