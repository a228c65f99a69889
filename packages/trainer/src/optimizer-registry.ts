// An immutable registry of optimizer types keyed by namespaced id (ADR 0008). One list of loaded plug-in modules may
// mix kinds: this registry takes the optimizer plug-ins and skips the others.
import adamwType from './adamw.js';
import lapropType from './laprop.js';
import type { Optimizer, OptimizerHyper } from './optimizer.js';
import { qualifiedId } from '@difflm/noise';
import { assertOptimizerPlugin, optimizerKind, type OptimizerPlugin } from './optimizer-type.js';

/** The optimizer types that ship with @difflm/trainer, as plain plug-in values. */
export const builtinOptimizerTypes: readonly OptimizerPlugin[] = Object.freeze([lapropType, adamwType]) as readonly OptimizerPlugin[];

export interface OptimizerRegistry {
  ids(): string[];
  /** True for a registered id or a bare name of the difflm namespace ("laprop"). */
  has(idOrName: string): boolean;
  get(idOrName: string): OptimizerPlugin;
  /** Check an id and its options without building anything (errors name `optimizer.kind` or `optimizer.options`). */
  check(idOrName: string, options?: unknown): void;
  /** Validate the options and build a fresh optimizer. */
  create(idOrName: string, hyper: OptimizerHyper, options?: unknown): Optimizer;
}

/** A bare name is the difflm namespace's: "adamw" = "difflm/adamw". */
export const optimizerId = qualifiedId;

function parse(plugin: OptimizerPlugin, raw: unknown): unknown {
  try { return plugin.parseOptions(raw); } catch (e) { throw new Error(`optimizer.options (${plugin.id}): ${(e as Error).message}`); }
}

export function createOptimizerRegistry(plugins: readonly unknown[] = [], options: { readonly builtins?: boolean } = {}): OptimizerRegistry {
  const byId = new Map<string, OptimizerPlugin>();
  const add = (value: unknown, source: string): void => {
    const plugin = assertOptimizerPlugin(value, source);
    if (byId.has(plugin.id)) throw new Error(`optimizer id "${plugin.id}" is registered twice; each plug-in needs a unique namespaced id`);
    byId.set(plugin.id, plugin);
  };
  if (options.builtins !== false) builtinOptimizerTypes.forEach((p, i) => add(p, `built-in optimizer type #${i + 1}`));
  plugins.filter((p) => !optimizerKind.isOtherKind(p)).forEach((p, i) => add(p, `optimizer plug-in #${i + 1}`));
  const registry: OptimizerRegistry = {
    ids: () => [...byId.keys()].sort(),
    has: (idOrName) => byId.has(optimizerId(idOrName)),
    get(idOrName) {
      const plugin = byId.get(optimizerId(idOrName));
      if (!plugin) throw new Error(`optimizer.kind: unknown optimizer "${idOrName}"; known: ${registry.ids().join(', ')} (a plug-in optimizer: pass its module to --plugins or a study's "plugins")`);
      return plugin;
    },
    check(idOrName, raw) {
      parse(registry.get(idOrName), raw);
    },
    create(idOrName, hyper, raw) {
      const plugin = registry.get(idOrName);
      return plugin.create(hyper, parse(plugin, raw));
    },
  };
  return registry;
}
