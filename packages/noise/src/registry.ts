// An immutable registry of noise types keyed by namespaced id. No global state: build one with the
// plug-ins you want; the built-ins are ordinary plug-ins, registered the same way.
import type { NoiseSpec, TokenSpace } from './objective.js';
import { assertNoisePlugin, noiseKind, type NoisePlugin, type NoiseProcess, type NoiseTypes } from './noise-type.js';
import giddNoise from './process/gidd-noise.js';
import hybridNoise from './process/hybrid-noise.js';
import maskedNoise from './process/masked-noise.js';
import uniformNoise from './process/uniform-noise.js';

/** Every registered id (built-ins plus augmentations). */
export type NoiseId = keyof NoiseTypes & string;

/** The noise types that ship with @difflm/noise, as plain plug-in values. */
export const builtinNoiseTypes: readonly NoisePlugin[] = Object.freeze([hybridNoise, maskedNoise, uniformNoise, giddNoise]) as readonly NoisePlugin[];

export interface NoiseRegistry {
  /** Registered ids, sorted. */
  ids(): string[];
  has(id: string): boolean;
  /** The plug-in for id; throws listing the known ids when absent. */
  get(id: string): NoisePlugin;
  /** Validate the spec's options and build the process for a vocabulary. */
  create(spec: NoiseSpec, tokens: TokenSpace): NoiseProcess;
  /** A new registry with more plug-ins (this one is unchanged). */
  with(...plugins: unknown[]): NoiseRegistry;
}

export interface NoiseRegistryOptions {
  /** Register the built-in types first (default true). */
  readonly builtins?: boolean;
}

/** Build a registry from plug-in values (or module namespaces whose default export is one), checked by shape. */
export function createNoiseRegistry(plugins: readonly unknown[] = [], options: NoiseRegistryOptions = {}): NoiseRegistry {
  // A list of loaded plug-in modules may mix kinds (noise types, λ schedules): this registry takes the noise types.
  const all = [...(options.builtins === false ? [] : builtinNoiseTypes), ...plugins.filter((p) => !noiseKind.isOtherKind(p))];
  const byId = new Map<string, NoisePlugin>();
  const builtinCount = options.builtins === false ? 0 : builtinNoiseTypes.length;
  all.forEach((value, i) => {
    // Users count their own plug-ins from 1, whatever the number of built-ins before them.
    const plugin = assertNoisePlugin(value, i < builtinCount ? `built-in noise type #${i + 1}` : `noise plug-in #${i - builtinCount + 1}`);
    if (byId.has(plugin.id)) throw new Error(`noise id "${plugin.id}" is registered twice; each plug-in needs a unique namespaced id`);
    byId.set(plugin.id, plugin);
  });
  return fromMap(byId);
}

function fromMap(byId: ReadonlyMap<string, NoisePlugin>): NoiseRegistry {
  const registry: NoiseRegistry = {
    ids: () => [...byId.keys()].sort(),
    has: (id) => byId.has(id),
    get(id) {
      const plugin = byId.get(id);
      if (!plugin) throw new Error(`unknown noise id "${id}"; known ids: ${registry.ids().join(', ')} (a plug-in noise type: pass its module to --plugins, or register it with createNoiseRegistry([plugin]))`);
      return plugin;
    },
    create(spec, tokens) {
      checkSpec(spec);
      checkTokens(tokens);
      const plugin = registry.get(spec.id);
      return plugin.create(plugin.parseOptions(spec.options), tokens);
    },
    with(...plugins) {
      const next = new Map(byId);
      plugins.filter((p) => !noiseKind.isOtherKind(p)).forEach((value, i) => {
        const plugin = assertNoisePlugin(value, `noise plug-in #${i + 1}`);
        if (next.has(plugin.id)) throw new Error(`noise id "${plugin.id}" is registered twice; each plug-in needs a unique namespaced id`);
        next.set(plugin.id, plugin);
      });
      return fromMap(next);
    },
  };
  return registry;
}

/** Check that a value is a JSON noise spec {id, options?}. */
export function checkSpec(spec: unknown): asserts spec is NoiseSpec {
  if (typeof spec !== 'object' || spec === null) throw new Error(`noise spec must be an object {id, options?}, got ${JSON.stringify(spec)}`);
  const s = spec as Record<string, unknown>;
  if (typeof s.id !== 'string') throw new Error(`noise spec.id must be a string such as "difflm/hybrid", got ${JSON.stringify(s.id)}`);
  if (s.options !== undefined && (typeof s.options !== 'object' || s.options === null || Array.isArray(s.options))) {
    throw new Error(`noise spec.options must be an object, got ${JSON.stringify(s.options)}`);
  }
}

/** Check a token space. */
export function checkTokens(tokens: TokenSpace): void {
  const V = tokens.vocabSize;
  if (!Number.isInteger(V) || V < 2) throw new Error(`tokens.vocabSize must be an integer >= 2, got ${V}`);
  for (const field of ['maskId', 'padId'] as const) {
    const id = tokens[field];
    if (id !== null && (!Number.isInteger(id) || id < 0 || id >= V)) throw new Error(`tokens.${field} must be null or an integer in [0, ${V}), got ${id}`);
  }
}

/** A typed, JSON-serialisable spec for a registered id. */
export function noiseSpec<Id extends NoiseId>(id: Id, options?: NoiseTypes[Id]): NoiseSpec<Id, NoiseTypes[Id]> {
  return options === undefined ? { id } : { id, options };
}
