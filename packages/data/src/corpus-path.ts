// Resolving a corpus path, with the error a user sees for a missing one.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

const HINT = 'pass an existing .txt/.jsonl file or a directory of them, or "sotu" for the embedded corpus';

/** The absolute path of an existing file or directory; throws naming the path otherwise. */
export function requirePath(path: string): string {
  if (typeof path !== 'string' || path.length === 0) throw new Error(`corpus: path is empty; ${HINT}`);
  const abs = resolve(path);
  if (!existsSync(abs)) throw new Error(`corpus: no such file or directory: ${abs}; ${HINT}`);
  return abs;
}

/** The absolute path of an existing regular file. */
export function requireFile(path: string): string {
  const abs = requirePath(path);
  if (!statSync(abs).isFile()) throw new Error(`corpus: ${abs} is not a file; ${HINT}`);
  return abs;
}
