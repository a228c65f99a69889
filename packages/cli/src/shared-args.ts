// Flags that several commands share, declared once so their names, defaults and help stay in step.
// No TensorFlow.js import here: `difflm study --dry-run` must stay light.

export const backendArg = {
  type: 'string',
  description: 'TensorFlow.js backend: auto | wasm | cpu | native | tensorflow | tensorflow-gpu',
  default: 'auto',
} as const;

export const pluginsArg = { type: 'string', description: 'comma-separated noise plug-in module names' } as const;

export const runDirArg = { type: 'string', description: 'the run directory', required: true } as const;

/** The module names of a `--plugins a,b` flag. */
export function pluginNames(raw: string | undefined): string[] {
  return raw ? raw.split(',').map((s) => s.trim()).filter(Boolean) : [];
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
export function runExecutorFromFlags(rawArgs: readonly string[], backend: string, fakeOptions: () => object): { name: 'trainer' | 'fake'; options: Record<string, unknown> } {
  const name = undeclaredFlag(rawArgs, 'executor') ?? 'trainer';
  if (name !== 'trainer' && name !== 'fake') throw new Error(`--executor must be trainer, got "${name}"`);
  return name === 'fake' ? { name, options: { ...fakeOptions() } } : { name, options: { backend } };
}
