// The shape check every plug-in kind shares (noise types, λ schedules, samplers, optimizers): plug-ins are plain
// values checked by shape, not by class — `kind`, a namespaced id, parseOptions() and create() — accepted bare or as
// an ES module namespace whose default export is one.

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*$/i;
const KIND_PATTERN = /^difflm\/[\w-]+-plugin$/;

/** The kind ("difflm/<kind>-plugin") of a plug-in value, or of a module namespace's default export; undefined otherwise. */
export function pluginKindOf(value: unknown): string | undefined {
  const kind = (v: unknown): unknown => (typeof v === 'object' && v !== null ? (v as { kind?: unknown }).kind : undefined);
  const k = kind(value) ?? kind((value as { default?: unknown } | null)?.default);
  return typeof k === 'string' && KIND_PATTERN.test(k) ? k : undefined;
}

/** A registered id from what a config names: a bare name is the difflm namespace's ("cosine" = "difflm/cosine"). */
export function qualifiedId(idOrName: string): string {
  return idOrName.includes('/') ? idOrName : `difflm/${idOrName}`;
}

export interface PluginKind<P> {
  /** True when value has the shape of a plug-in of this kind. */
  is(value: unknown): value is P;
  /** The plug-in itself, or the default export of a module namespace; throws naming the source and the builder. */
  assert(value: unknown, source?: string): P;
  /** True for a plug-in of another kind: a registry of this kind skips it in a list of loaded modules. */
  isOtherKind(value: unknown): boolean;
}

/** The shape check of one kind, e.g. `pluginKind('difflm/noise-plugin', 'noise', 'defineNoise')`. */
export function pluginKind<P>(kind: string, noun: string, builder: string): PluginKind<P> {
  const is = (value: unknown): value is P => {
    if (typeof value !== 'object' || value === null) return false;
    const v = value as Record<string, unknown>;
    return v.kind === kind && typeof v.id === 'string' && ID_PATTERN.test(v.id) && typeof v.parseOptions === 'function' && typeof v.create === 'function';
  };
  return {
    is,
    isOtherKind: (value) => { const k = pluginKindOf(value); return k !== undefined && k !== kind; },
    assert(value, source = 'plug-in') {
      const candidate = is(value) ? value : (value as { default?: unknown } | null)?.default;
      if (is(candidate)) return candidate;
      throw new Error(`${source} is not a difflm ${noun} plug-in: expected a (default-exported) object with kind "${kind}", ` +
        `an id "<namespace>/<name>", parseOptions() and create(); build it with ${builder}()`);
    },
  };
}

/** The lookup part every registry of one kind shares: ids, bare-name resolution, and extension by more plug-ins. */
export interface PluginTable<P extends { readonly id: string }> {
  /** Registered ids, sorted. */
  ids(): string[];
  /** True for a registered id or a bare name of the difflm namespace. */
  has(idOrName: string): boolean;
  /** The plug-in for an id or bare name; throws listing the known ids when absent. */
  get(idOrName: string): P;
  /** The same table with more plug-ins (values of other kinds are skipped). */
  extended(plugins: readonly unknown[]): PluginTable<P>;
}

/**
 * A table of one kind's plug-ins: the built-ins first (`source`s numbered "built-in <noun> #i"), then the user's
 * (numbered from 1 as "<noun> plug-in #i"); an id registered twice is an error. `unknown` words the miss.
 */
export function pluginTable<P extends { readonly id: string }>(
  kind: PluginKind<P>, noun: string, builtins: readonly P[], plugins: readonly unknown[],
  unknown: (idOrName: string, ids: string[]) => string,
): PluginTable<P> {
  const add = (byId: Map<string, P>, value: unknown, source: string): void => {
    const plugin = kind.assert(value, source);
    if (byId.has(plugin.id)) throw new Error(`${noun} id "${plugin.id}" is registered twice; each plug-in needs a unique namespaced id`);
    byId.set(plugin.id, plugin);
  };
  const mine = (list: readonly unknown[]): unknown[] => list.filter((p) => !kind.isOtherKind(p));
  const fromMap = (byId: ReadonlyMap<string, P>): PluginTable<P> => {
    const table: PluginTable<P> = {
      ids: () => [...byId.keys()].sort(),
      has: (idOrName) => byId.has(qualifiedId(idOrName)),
      get(idOrName) {
        const plugin = byId.get(qualifiedId(idOrName));
        if (!plugin) throw new Error(unknown(idOrName, table.ids()));
        return plugin;
      },
      extended(more) {
        const next = new Map(byId);
        mine(more).forEach((p, i) => add(next, p, `${noun} plug-in #${i + 1}`));
        return fromMap(next);
      },
    };
    return table;
  };
  const byId = new Map<string, P>();
  builtins.forEach((p, i) => add(byId, p, `built-in ${noun} #${i + 1}`));
  mine(plugins).forEach((p, i) => add(byId, p, `${noun} plug-in #${i + 1}`));
  return fromMap(byId);
}
