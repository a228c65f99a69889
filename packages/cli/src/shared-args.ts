// Flags that several commands share, declared once so their names, defaults and help stay in step.
// No TensorFlow.js import here: `difflm study --dry-run` must stay light.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pluginModuleName } from '@difflm/compose';

export const backendArg = {
  type: 'string',
  description: 'TensorFlow.js backend: auto | wasm | cpu | native | tensorflow | tensorflow-gpu | a plug-in backend\'s id (see --plugins)',
  default: 'auto',
} as const;

export const pluginsArg = { type: 'string', description: 'comma-separated plug-in modules (noise types, λ schedules, loss weightings, optimizers, samplers, backends): package names, or paths relative to the current directory' } as const;

export const runDirArg = { type: 'string', description: 'the run directory', required: true } as const;

/** The module names of a `--plugins a,b` flag. */
export function pluginNames(raw: string | undefined): string[] {
  return raw ? raw.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

/**
 * The plug-in modules a run config or study file lists in "plugins": module names (a package name, or a path relative
 * to the file), or records { module, version } as a run directory writes them. Returns portable module names.
 */
export function configFilePlugins(value: unknown, file: string, field = 'plugins'): string[] {
  if (value === undefined) return [];
  const bad = (): never => { throw new Error(`${file}: "${field}" must be a list of plug-in modules (package names, or paths relative to the file), e.g. ["@acme/noise", "./my-noise.mjs"]`); };
  if (!Array.isArray(value)) bad();
  return (value as unknown[]).map((v) => {
    const name = typeof v === 'string' ? v : typeof (v as { module?: unknown } | null)?.module === 'string' ? (v as { module: string }).module : bad();
    if (name.trim() === '') bad();
    return pluginModuleName(name, dirname(resolve(file)));
  });
}

/** A run directory's config.json as JSON, or undefined when it is missing or unreadable (runTraining/openRun say why). */
export function readStoredConfig(runDir: string): unknown {
  const file = join(runDir, 'config.json');
  if (!existsSync(file)) return undefined;
  try { return JSON.parse(readFileSync(file, 'utf8')); } catch { return undefined; }
}

/** The value of a flag that is deliberately not declared (so it stays out of --help): `--name value` or `--name=value`. */
export function undeclaredFlag(rawArgs: readonly string[], name: string): string | undefined {
  for (let i = 0; i < rawArgs.length; i++) {
    const a = rawArgs[i]!;
    if (a === `--${name}`) return rawArgs[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

/**
 * The run executor of `study` and `worker`: the trainer on `backend`, or — test suites only, through the undeclared
 * `--executor fake`, which stays out of --help — a stand-in that trains nothing, with options from the environment.
 */
export function runExecutorFromFlags(rawArgs: readonly string[], backend: string, fakeOptions: () => object, plugins: readonly string[] = []): { name: 'trainer' | 'fake'; options: Record<string, unknown> } {
  const name = undeclaredFlag(rawArgs, 'executor') ?? 'trainer';
  if (name !== 'trainer' && name !== 'fake') throw new Error(`--executor must be trainer, got "${name}"`);
  return name === 'fake' ? { name, options: { ...fakeOptions() } } : { name, options: { backend, ...(plugins.length ? { plugins: [...plugins] } : {}) } };
}

/** A flag that must be a positive integer (undefined when absent): one line naming the flag otherwise. */
export function positiveIntFlag(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} must be a positive integer, got "${v}"`);
  return n;
}
