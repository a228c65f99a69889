// An immutable registry of backends keyed by namespaced id, built like the other plug-in registries (ADR 0008): the
// built-ins are ordinary values, a list of loaded plug-in modules may mix kinds (this registry takes the backends),
// and a bare name is the difflm namespace's ("native" = "difflm/native").
import { isBackendPlugin, type BackendPlugin } from './backend-type.js';
import { builtinBackends } from './builtin-backends.js';

export interface BackendRegistry {
  /** Registered ids, in `auto` order first (fastest first), then the others. */
  ids(): string[];
  /** The names a user passes to --backend (difflm's bare), in the same order. */
  names(): string[];
  has(idOrName: string): boolean;
  /** The backend for an id or bare name; throws naming the choices when absent. */
  get(idOrName: string): BackendPlugin;
  /** The backends `auto` tries, fastest first. */
  autoOrder(): BackendPlugin[];
  /** A new registry with more plug-ins (this one is unchanged). */
  with(...plugins: unknown[]): BackendRegistry;
}

const qualified = (idOrName: string): string => (idOrName.includes('/') ? idOrName : `difflm/${idOrName}`);

/** The name --backend takes for a registered id: difflm's bare, a plug-in's namespaced. */
export function backendFlagName(id: string): string {
  const [namespace, name] = id.split('/') as [string, string];
  return namespace === 'difflm' ? name : id;
}

/** Module namespaces and values of other plug-in kinds are taken apart here: only backends are kept. */
function backendsIn(plugins: readonly unknown[]): BackendPlugin[] {
  const out: BackendPlugin[] = [];
  for (const p of plugins) {
    const candidate = isBackendPlugin(p) ? p : (p as { default?: unknown } | null)?.default;
    if (isBackendPlugin(candidate)) out.push(candidate);
  }
  return out;
}

/** The built-in backends alone: built once, shared by every lookup that takes no plug-ins. */
export const builtinBackendRegistry: BackendRegistry = fromMap(new Map()).with(...builtinBackends);

/** The built-ins and the backends among a list of loaded plug-in modules. */
export function createBackendRegistry(plugins: readonly unknown[] = []): BackendRegistry {
  return plugins.length ? builtinBackendRegistry.with(...plugins) : builtinBackendRegistry;
}

function fromMap(byId: ReadonlyMap<string, BackendPlugin>): BackendRegistry {
  const ordered = (): BackendPlugin[] => [...byId.values()].sort((a, b) => (a.autoOrder ?? Infinity) - (b.autoOrder ?? Infinity));
  const registry: BackendRegistry = {
    ids: () => ordered().map((b) => b.id),
    names: () => ordered().map((b) => backendFlagName(b.id)),
    has: (idOrName) => byId.has(qualified(idOrName)),
    get(idOrName) {
      const b = byId.get(qualified(idOrName));
      if (!b) throw new Error(`--backend: unknown backend '${idOrName}'; choose one of auto, ${registry.names().join(', ')} (a plug-in backend: pass its module to --plugins)`);
      return b;
    },
    autoOrder: () => ordered().filter((b) => b.autoOrder !== undefined),
    with(...plugins) {
      const next = new Map(byId);
      for (const b of backendsIn(plugins)) {
        if (next.has(b.id)) throw new Error(`backend id "${b.id}" is registered twice; each plug-in needs a unique namespaced id`);
        next.set(b.id, b);
      }
      return fromMap(next);
    },
  };
  return registry;
}
