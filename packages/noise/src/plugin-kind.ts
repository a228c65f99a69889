// The shape check every plug-in kind shares (noise types, λ schedules, samplers, optimizers): plug-ins are plain
// values checked by shape, not by class — `kind`, a namespaced id, parseOptions() and create() — accepted bare or as
// an ES module namespace whose default export is one.

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*$/i;

export interface PluginKind<P> {
  /** True when value has the shape of a plug-in of this kind. */
  is(value: unknown): value is P;
  /** The plug-in itself, or the default export of a module namespace; throws naming the source and the builder. */
  assert(value: unknown, source?: string): P;
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
    assert(value, source = 'plug-in') {
      const candidate = is(value) ? value : (value as { default?: unknown } | null)?.default;
      if (is(candidate)) return candidate;
      throw new Error(`${source} is not a difflm ${noun} plug-in: expected a (default-exported) object with kind "${kind}", ` +
        `an id "<namespace>/<name>", parseOptions() and create(); build it with ${builder}()`);
    },
  };
}
