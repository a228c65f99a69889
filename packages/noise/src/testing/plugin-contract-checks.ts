// The checks every plug-in kind shares (noise types, λ schedules, loss weightings, samplers, optimizers): a namespaced id with a
// description, and parseOptions that accepts its JSON options and rejects what is not an options object; and how a
// kit registers its checks with a test runner.
export interface ConformanceCheck {
  readonly name: string;
  run(): void | Promise<void>;
}

/** The contract checks of any plug-in value: `options` are the raw (JSON) options the kit runs it with. */
export function pluginContractChecks(plugin: { readonly id: string; readonly description: string; parseOptions(raw: unknown): unknown }, options?: unknown): ConformanceCheck[] {
  const fail = (msg: string): never => { throw new Error(msg); };
  return [
    { name: 'is a plug-in value with a namespaced id', run() {
      if (!/^[^/]+\/[^/]+$/.test(plugin.id)) fail(`id "${plugin.id}" is not namespaced as "<namespace>/<name>"`);
      if (typeof plugin.description !== 'string' || plugin.description.length === 0) fail('description must be a non-empty string');
    } },
    { name: 'parses JSON options and rejects non-object options', run() {
      plugin.parseOptions(JSON.parse(JSON.stringify(options ?? null)) ?? undefined);
      for (const bad of [42, 'text', [1]]) {
        let threw = false;
        try { plugin.parseOptions(bad); } catch (e) { threw = e instanceof Error && e.message.length > 0; }
        if (!threw) fail(`parseOptions(${JSON.stringify(bad)}) must throw an Error naming the problem`);
      }
    } },
  ];
}

/** A test runner's `it` (and `describe`, when given): vitest's, jest's or mocha's. */
export interface ConformanceRunner {
  it: (name: string, fn: () => void | Promise<void>) => unknown;
  describe?: (name: string, fn: () => void) => unknown;
}

/** Register a kit's checks with a test runner, under `title` when it has `describe`; the checks are built inside it. */
export function registerConformance(title: string, checks: () => readonly ConformanceCheck[], runner: ConformanceRunner): void {
  const register = (): void => { for (const c of checks()) runner.it(c.name, () => c.run()); };
  if (runner.describe) runner.describe(title, register); else register();
}
