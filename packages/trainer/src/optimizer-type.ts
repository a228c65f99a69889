// The optimizer as a value: a plug-in kind registered and resolved by namespaced id, exactly as noise types and λ
// schedules are (ADR 0008). The built-ins `difflm/laprop` and `difflm/adamw` are written this way in their own files.
import type { Optimizer, OptimizerHyper } from './optimizer.js';

/**
 * An optimizer type: a default-exported, JSON-configurable factory of optimizers. The trainer computes the shared
 * hyperparameters (β1, β2, ε with SPEC §4's defaults) and the per-group LR and weight decay of every step; a type
 * adds what is its own through `options` (the run config's `optimizer.options`).
 */
export interface OptimizerPlugin<Id extends string = string, Options = unknown> {
  readonly kind: 'difflm/optimizer-plugin';
  /** Namespaced id, "<namespace>/<name>", e.g. "acme/lion". A bare name in a config is the difflm namespace's. */
  readonly id: Id;
  readonly description: string;
  /** Validate raw JSON options (undefined = defaults); throw an Error naming the bad field. */
  parseOptions(raw: unknown): Options;
  /** A fresh optimizer (no moments yet); its getState()/setState() must round-trip through checkpoints. */
  create(hyper: OptimizerHyper, options: Options): Optimizer;
}

/**
 * Option types per optimizer id, extended by module augmentation in each type's own file:
 * `declare module '@difflm/trainer' { interface OptimizerTypes { 'acme/lion': LionOptions } }`
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface OptimizerTypes {}

/** Identity helper that types an optimizer plug-in (no registration side effect). */
export function defineOptimizer<Id extends string, Options>(plugin: Omit<OptimizerPlugin<Id, Options>, 'kind'>): OptimizerPlugin<Id, Options> {
  return Object.freeze({ kind: 'difflm/optimizer-plugin' as const, ...plugin });
}

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*$/i;

export function isOptimizerPlugin(value: unknown): value is OptimizerPlugin {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.kind === 'difflm/optimizer-plugin' && typeof v.id === 'string' && ID_PATTERN.test(v.id)
    && typeof v.parseOptions === 'function' && typeof v.create === 'function';
}

export function assertOptimizerPlugin(value: unknown, source = 'plug-in'): OptimizerPlugin {
  const candidate = isOptimizerPlugin(value) ? value : (value as { default?: unknown } | null)?.default;
  if (isOptimizerPlugin(candidate)) return candidate;
  throw new Error(`${source} is not a difflm optimizer plug-in: expected a (default-exported) object with kind "difflm/optimizer-plugin", ` +
    'an id "<namespace>/<name>", parseOptions() and create(); build it with defineOptimizer()');
}

/** Options of a built-in that has none of its own: undefined or an empty object. */
export function noOptions(id: string): (raw: unknown) => Record<string, never> {
  return (raw) => {
    if (raw === undefined || raw === null) return {};
    if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${id} options must be an object, got ${Array.isArray(raw) ? 'an array' : typeof raw}`);
    const keys = Object.keys(raw);
    if (keys.length) throw new Error(`${id}: unknown option "${keys[0]}" (it has no options of its own; β1, β2, ε and weight decay are optimizer fields)`);
    return {};
  };
}
