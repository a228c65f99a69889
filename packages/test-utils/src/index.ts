export { sharedDir, sharedPath, sharedSkipReason, REPO_ROOT } from './shared-data.js';
export { useBackend, expectNoLeaks, tf, type TestBackend } from './tf-backend.js';
