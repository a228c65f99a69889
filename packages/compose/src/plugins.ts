// Plug-ins by module name (a package name or a path): every command and every run process imports them the
// same way, so a run directory or study file that names them rebuilds the same registry anywhere.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Load noise plug-ins by module name (each default-exports a NoisePlugin; checked by shape). */
export async function loadPlugins(names: readonly string[], cwd: string = process.cwd()): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const name of names) {
    try {
      out.push(await import(pluginSpecifier(name, cwd)));
    } catch (e) {
      throw new Error(`--plugins: cannot load module '${name}' (${(e as Error).message.split('\n')[0]}); pass a path (./plugin.mjs, relative to the current directory) or a package installed in this project`);
    }
  }
  return out;
}

/**
 * Where a plug-in module name points: a path (./x.mjs, ../x.mjs, /abs/x.mjs) is relative to the current directory,
 * not to the CLI's own files; a package name is looked up from the current directory's node_modules first, then
 * from the CLI's (a globally installed difflm finds a plug-in installed in the user's project).
 */
export function pluginSpecifier(name: string, cwd: string = process.cwd()): string {
  if (name.startsWith('./') || name.startsWith('../') || isAbsolute(name)) return pathToFileURL(resolve(cwd, name)).href;
  const found = packageEntryFrom(cwd, name);
  return found ? pathToFileURL(found).href : name;
}

/**
 * The ESM entry of package `name` as seen from `cwd`: the project at cwd itself (self-reference) or a node_modules
 * folder at cwd or above, read from its package.json (`exports` "." → import/default/node, then module, main).
 */
export function packageEntryFrom(cwd: string, name: string): string | null {
  const pick = (x: unknown): string | undefined => {
    if (typeof x === 'string') return x;
    if (typeof x !== 'object' || x === null || Array.isArray(x)) return undefined;
    const o = x as Record<string, unknown>;
    return pick(o['.']) ?? pick(o.import) ?? pick(o.node) ?? pick(o.default);
  };
  const entryOf = (dir: string): string | null => {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { exports?: unknown; module?: string; main?: string };
      return join(dir, pick(pkg.exports) ?? pkg.module ?? pkg.main ?? 'index.js');
    } catch {
      return null;
    }
  };
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === name) return entryOf(dir);
    } catch { /* no package.json here */ }
    const candidate = join(dir, 'node_modules', ...name.split('/'));
    if (existsSync(join(candidate, 'package.json'))) return entryOf(candidate);
    if (dirname(dir) === dir) return null;
  }
}

