// An immutable registry of loss-weighting types keyed by namespaced id, built like the schedule registry: no global
// state, the built-ins are ordinary plug-ins, and a list of loaded modules may mix kinds (each registry takes its own).
import { qualifiedId } from '../../plugin-kind.js';
import { assertLossWeightingPlugin, lossWeightingKind, type LossWeight, type LossWeightingContext, type LossWeightingPlugin } from './loss-weighting-type.js';
import unweightedElbo from './unweighted-elbo.js';
import elbo from './elbo.js';
import clip from './clip.js';
import dynamic from './dynamic.js';

/** The loss weightings that ship with @difflm/noise, as plain plug-in values. */
export const builtinLossWeightings: readonly LossWeightingPlugin[] = Object.freeze([unweightedElbo, elbo, clip, dynamic]) as readonly LossWeightingPlugin[];

/** A weighting by id with its JSON options. */
export interface LossWeightingSpec {
  readonly id: string;
  readonly options?: Readonly<Record<string, unknown>>;
}

export interface LossWeightingRegistry {
  /** Registered ids, sorted. */
  ids(): string[];
  /** True for a registered id or a bare name of the difflm namespace ("clip"). */
  has(idOrName: string): boolean;
  /** The plug-in for an id or bare name; throws listing the known ids when absent. */
  get(idOrName: string): LossWeightingPlugin;
  /** Validate the spec's options and build the weighting for an objective. */
  create(spec: LossWeightingSpec, context: LossWeightingContext): LossWeight;
  /** A new registry with more plug-ins (this one is unchanged). */
  with(...plugins: unknown[]): LossWeightingRegistry;
}

/** Build a registry from loss-weighting plug-in values (or module namespaces whose default export is one); other kinds are skipped. */
export function createLossWeightingRegistry(plugins: readonly unknown[] = [], options: { readonly builtins?: boolean } = {}): LossWeightingRegistry {
  const byId = new Map<string, LossWeightingPlugin>();
  if (options.builtins !== false) builtinLossWeightings.forEach((p, i) => add(byId, p, `built-in loss weighting #${i + 1}`));
  plugins.filter((p) => !lossWeightingKind.isOtherKind(p)).forEach((p, i) => add(byId, p, `loss-weighting plug-in #${i + 1}`));
  return fromMap(byId);
}

function add(byId: Map<string, LossWeightingPlugin>, value: unknown, source: string): void {
  const plugin = assertLossWeightingPlugin(value, source);
  if (byId.has(plugin.id)) throw new Error(`loss-weighting id "${plugin.id}" is registered twice; each plug-in needs a unique namespaced id`);
  byId.set(plugin.id, plugin);
}

function fromMap(byId: ReadonlyMap<string, LossWeightingPlugin>): LossWeightingRegistry {
  const registry: LossWeightingRegistry = {
    ids: () => [...byId.keys()].sort(),
    has: (idOrName) => byId.has(qualifiedId(idOrName)),
    get(idOrName) {
      const plugin = byId.get(qualifiedId(idOrName));
      if (!plugin) throw new Error(`unknown loss weighting "${idOrName}"; known ids: ${registry.ids().join(', ')} (a plug-in weighting: pass its module to --plugins or a study's "plugins")`);
      return plugin;
    },
    create(spec, context) {
      if (typeof spec?.id !== 'string') throw new Error(`loss weighting spec.id must be a string such as "difflm/clip", got ${JSON.stringify(spec?.id)}`);
      const plugin = registry.get(spec.id);
      return plugin.create(plugin.parseOptions(spec.options), context);
    },
    with(...plugins) {
      const next = new Map(byId);
      plugins.filter((p) => !lossWeightingKind.isOtherKind(p)).forEach((p, i) => add(next, p, `loss-weighting plug-in #${i + 1}`));
      return fromMap(next);
    },
  };
  return registry;
}
