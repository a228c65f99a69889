// The loss-weighting contract: how the surrogate (optimised) loss weights each noisy token (SPEC §1.4, §1.6). A
// weighting is a value, registered and resolved by namespaced id exactly as noise types and λ schedules are
// (ADR 0008); the built-ins `difflm/unweighted-elbo`, `difflm/elbo`, `difflm/clip` and `difflm/dynamic` are written
// this way too. The ELBO metric never depends on it. Weights are computed on the host in float64 (token-math.ts),
// so a plug-in weighting trains on every backend without a kernel of its own.
import { pluginKind } from '../../plugin-kind.js';
import type { NoiseProcess } from '../../noise-type.js';

/** What a weighting sees of one noisy token. */
export interface TokenWeightInput {
  /** λ of the token. */
  readonly logSnr: number;
  /** z_t = x (the token is clean). */
  readonly isClean: boolean;
  /** z_t is the mask token. */
  readonly isMask: boolean;
  /** w_λ(z_t, x), the ELBO integrand's weight with p(λ) := 1 (SPEC §1.4 Eq. 5), unclipped. */
  readonly w: number;
  /** The true ELBO weight w_λ/p(λ) under the objective's λ-density, unclipped. */
  readonly elboWeight: number;
}

/** The objective settings a weighting is built with (objective options; SPEC §1.4, §1.6 defaults). */
export interface LossWeightingContext {
  readonly process: NoiseProcess;
  /** Clip of the unweighted-ELBO weight (`lossWeightClip`, 1e3). */
  readonly lossWeightClip: number;
  /** Clip of the ELBO weight (`elboWeightClip`, 1e6). */
  readonly elboWeightClip: number;
  /** [min, max] of bounded weights (`minLossWeight`, `maxLossWeight`; the process's default, else [0, 2]). */
  readonly lossWeightRange: readonly [number, number];
}

/** A weighting built for one objective: a pure function of the token, finite and ≥ 0. */
export interface LossWeight {
  /** The registered id it was built from. */
  readonly id: string;
  weight(token: TokenWeightInput): number;
}

/**
 * A loss-weighting type: a default-exported, JSON-configurable factory of per-token surrogate weights. The objective
 * uses it when `objectiveOptions.lossWeighting` names it (options in `lossWeightingOptions`).
 */
export interface LossWeightingPlugin<Id extends string = string, Options = unknown> {
  readonly kind: 'difflm/loss-weighting-plugin';
  /** Namespaced id, "<namespace>/<name>", e.g. "acme/sqrt-elbo". */
  readonly id: Id;
  readonly description: string;
  /** Validate raw JSON options (undefined = defaults); throw an Error naming the bad field. */
  parseOptions(raw: unknown): Options;
  /** Build the weighting for an objective; throw naming what is missing (e.g. a process without a dynamic weight). */
  create(options: Options, context: LossWeightingContext): LossWeight;
}

/**
 * Option types per weighting id. Each weighting adds its own entry by module augmentation, in its own file:
 * `declare module '@difflm/noise' { interface LossWeightingTypes { 'acme/foo': FooOptions } }`
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface LossWeightingTypes {}

/** Identity helper that types a loss-weighting plug-in (no registration side effect). */
export function defineLossWeighting<Id extends string, Options>(plugin: Omit<LossWeightingPlugin<Id, Options>, 'kind'>): LossWeightingPlugin<Id, Options> {
  return Object.freeze({ kind: 'difflm/loss-weighting-plugin' as const, ...plugin });
}

export const lossWeightingKind = pluginKind<LossWeightingPlugin>('difflm/loss-weighting-plugin', 'loss-weighting', 'defineLossWeighting');

/** True when value has the shape of a LossWeightingPlugin. */
export const isLossWeightingPlugin = (value: unknown): value is LossWeightingPlugin => lossWeightingKind.is(value);

/** Accept a plug-in value or an ES module namespace whose default export is one; throw otherwise. */
export const assertLossWeightingPlugin = (value: unknown, source = 'plug-in'): LossWeightingPlugin => lossWeightingKind.assert(value, source);
