// An immutable registry of loss-weighting types keyed by namespaced id, built like the schedule registry: no global
// state, the built-ins are ordinary plug-ins, and a list of loaded modules may mix kinds (each registry takes its own).
import { pluginTable, type PluginTable } from '../../plugin-kind.js';
import { lossWeightingKind, type LossWeight, type LossWeightingContext, type LossWeightingPlugin } from './loss-weighting-type.js';
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
  return fromTable(pluginTable(lossWeightingKind, 'loss-weighting', options.builtins === false ? [] : builtinLossWeightings, plugins,
    (idOrName, ids) => `unknown loss weighting "${idOrName}"; known ids: ${ids.join(', ')} (a plug-in weighting: pass its module to --plugins or a study's "plugins")`));
}

function fromTable(table: PluginTable<LossWeightingPlugin>): LossWeightingRegistry {
  return {
    ids: table.ids, has: table.has, get: table.get,
    create(spec, context) {
      if (typeof spec?.id !== 'string') throw new Error(`loss weighting spec.id must be a string such as "difflm/clip", got ${JSON.stringify(spec?.id)}`);
      const plugin = table.get(spec.id);
      return plugin.create(plugin.parseOptions(spec.options), context);
    },
    with: (...more) => fromTable(table.extended(more)),
  };
}
