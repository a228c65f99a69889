// The optimizer as a value: a plug-in kind registered and resolved by namespaced id, exactly as noise types and λ
// schedules are (ADR 0008). The built-ins `difflm/laprop` and `difflm/adamw` are written this way in their own files.
import { pluginKind } from '@difflm/noise';
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

export const optimizerKind = pluginKind<OptimizerPlugin>('difflm/optimizer-plugin', 'optimizer', 'defineOptimizer');

/** True when value has the shape of a OptimizerPlugin (plug-ins are checked by shape, not by class). */
export const isOptimizerPlugin = (value: unknown): value is OptimizerPlugin => optimizerKind.is(value);

/** Accept a plug-in value or an ES module namespace whose default export is one; throw otherwise. */
export const assertOptimizerPlugin = (value: unknown, source = 'plug-in'): OptimizerPlugin => optimizerKind.assert(value, source);

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
