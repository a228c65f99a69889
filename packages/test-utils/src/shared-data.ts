// Locates the project's ../shared folder (golden fixtures and reference data). Tests that need it
// call `sharedPath()` and skip with `sharedSkipReason` in their names when it is absent.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Absolute path of the shared folder, or undefined when it is absent (DIFFLM_SHARED overrides). */
export function sharedDir(): string | undefined {
  const candidate = process.env.DIFFLM_SHARED ?? resolve(repoRoot, '../shared');
  return existsSync(candidate) ? candidate : undefined;
}

/** Absolute path inside the shared folder, or undefined when the folder or the file is absent. */
export function sharedPath(...parts: string[]): string | undefined {
  const dir = sharedDir();
  if (!dir) return undefined;
  const p = resolve(dir, ...parts);
  return existsSync(p) ? p : undefined;
}

/** A human-readable reason to put in a skipped test's name. */
export function sharedSkipReason(...parts: string[]): string {
  return `SKIPPED: ${parts.join('/') || 'shared'} not found beside the repository (set DIFFLM_SHARED to its folder)`;
}

/** The repository root (for tests that run scripts or examples). */
export const REPO_ROOT = repoRoot;
