// Plug-ins by module name (a package name or a path): every command and every run process imports them the
// same way, so a run directory or study file that names them rebuilds the same registry anywhere.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pluginKindOf } from '@difflm/noise';

/** What a run directory records of each plug-in it was trained with (TrainRunConfig.plugins). */
export interface PluginRecord {
  /** A package name, or the absolute path of the module file. */
  readonly module: string;
  /** The version of the package the module belongs to, when it has a package.json with one. */
  readonly version: string | null;
}

const isPath = (name: string): boolean => name.startsWith('./') || name.startsWith('../') || isAbsolute(name);

/**
 * The portable name of a plug-in: a path becomes absolute (resolved against `cwd`), so a record or a study's run
 * processes load the same file from any directory; a package name stays a name.
 */
export function pluginModuleName(name: string, cwd: string = process.cwd()): string {
  return isPath(name) ? resolve(cwd, name) : name;
}

/** The record of a plug-in module: its portable name and the version of the package it comes from. */
export function pluginRecord(name: string, cwd: string = process.cwd()): PluginRecord {
  const module = pluginModuleName(name, cwd);
  const entry = isPath(module) ? module : packageEntryFrom(cwd, module);
  return { module, version: entry ? packageVersionAbove(entry) : null };
}

/**
 * The records a run directory keeps: one per loaded module that shapes the run's maths. A backend module is left out
 * (where a run trains is not part of what it is), so the run can be evaluated, sampled or resumed on a machine that
 * lacks that backend. `loaded[i]` is the module `names[i]` loaded.
 */
export function runPluginRecords(names: readonly string[], loaded: readonly unknown[], cwd: string = process.cwd()): PluginRecord[] {
  return names.flatMap((name, i) => (pluginKindOf(loaded[i]) === 'difflm/backend-plugin' ? [] : [pluginRecord(name, cwd)]));
}

/** The version in the nearest package.json above a file (null when there is none or it has no version). */
function packageVersionAbove(file: string): string | null {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: unknown };
      return typeof pkg.version === 'string' ? pkg.version : null;
    } catch { /* no package.json here */ }
    if (dirname(dir) === dir) return null;
  }
}

/**
 * The plug-ins a run directory was trained with (config.json's `plugins`), loaded again; an empty list when it names
 * none. `flag` names the option a user would pass instead, for the error message.
 */
export async function loadRecordedPlugins(config: unknown, cwd: string = process.cwd(), flag = '--plugins'): Promise<unknown[]> {
  const recorded = (config as { plugins?: unknown } | null)?.plugins;
  if (recorded === undefined) return [];
  if (!Array.isArray(recorded) || !recorded.every((r) => typeof (r as { module?: unknown })?.module === 'string')) {
    throw new Error(`the run's config.json has a malformed "plugins" list (expected [{ "module": "...", "version": ... }]); pass the plug-ins with ${flag}`);
  }
  const names = (recorded as PluginRecord[]).map((r) => r.module);
  try {
    return await loadPlugins(names, cwd);
  } catch (e) {
    throw new Error(`the run was trained with plug-in${names.length > 1 ? 's' : ''} ${names.join(', ')}, which cannot be loaded here (${(e as Error).message.replace(/^--plugins: /, '')}); install it here or pass ${flag}`);
  }
}

/** Load noise plug-ins by module name (each default-exports a NoisePlugin; checked by shape). */
export async function loadPlugins(names: readonly string[], cwd: string = process.cwd(), label = '--plugins'): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const [i, name] of names.entries()) {
    let mod: unknown;
    try {
      mod = await import(pluginSpecifier(name, cwd));
    } catch (e) {
      throw new Error(`${label}: cannot load module '${name}' (${(e as Error).message.split('\n')[0]}); ${label === '--plugins' ? 'pass a path (./plugin.mjs, relative to the current directory)' : 'name a path'} or a package installed in this project`);
    }
    // Every registry takes its own kind from the list, so a module of no kind at all is named here, once.
    if (pluginKindOf(mod) === undefined) {
      throw new Error(`${label}: plug-in #${i + 1}, module '${name}', is not a difflm plug-in: its default export must be a noise type, λ schedule, loss weighting, optimizer, sampler or backend (built with defineNoise, defineSchedule, defineLossWeighting, defineOptimizer, defineSampler or defineBackend)`);
    }
    out.push(mod);
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

