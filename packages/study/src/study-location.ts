// Where a study lives on disk: ./studies/<name>/ by default (study.db, runs/, report/, study.json).
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DEFAULT_STUDIES_ROOT = 'studies';

/**
 * The study directory for CLI flags: an explicit `dir`, else `<root>/<name>`, else the only study under
 * `<root>`. Throws with the fix when none or several are found.
 */
export function resolveStudyDir(opts: { dir?: string; name?: string; root?: string; mustExist?: boolean }): string {
  const root = resolve(opts.root ?? DEFAULT_STUDIES_ROOT);
  let dir: string;
  if (opts.dir) dir = resolve(opts.dir);
  else if (opts.name) dir = join(root, opts.name);
  else {
    const found = existsSync(root) ? readdirSync(root).filter((d) => existsSync(join(root, d, 'study.db'))) : [];
    if (found.length !== 1) {
      throw new Error(found.length === 0
        ? `no study found under ${root}; run \`difflm study --preset quick\` first or pass --dir <study dir>`
        : `several studies under ${root} (${found.join(', ')}); pass --study <name> or --dir <study dir>`);
    }
    dir = join(root, found[0]!);
  }
  if (opts.mustExist && !existsSync(join(dir, 'study.db'))) throw new Error(`no study database at ${join(dir, 'study.db')}; pass --dir <study dir> (it holds study.db)`);
  return dir;
}
