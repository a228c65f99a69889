// The noise contract (SPEC §1.2, STYLE "The noise contract"). Every process is written in log-SNR form,
//   q_λ(z|x) = σ(λ)·onehot(x) + σ(−λ)·π_λ(z),
// and everything else (corruption, ELBO weights, loss, posterior, samplers) depends only on the mixing
// distribution π_λ, its derivative dπ_λ/dλ and a λ-density p(λ). A noise type therefore supplies π_λ as a
// mixture of K fixed base distributions with coefficients c_k(λ) (and dc_k/dλ), evaluated per token.
import { pluginKind } from './plugin-kind.js';
import type { Rng } from './random.js';
import type { TokenSpace } from './objective.js';
import type { LogSnrSchedule } from './schedule/log-snr-schedule.js';
import type { HybridNoiseOptions } from './process/hybrid-noise.js';
import type { MaskedNoiseOptions } from './process/masked-noise.js';
import type { UniformNoiseOptions } from './process/uniform-noise.js';
import type { GiddNoiseOptions } from './process/gidd-noise.js';

/** A fixed distribution over the vocabulary (mask one-hot, uniform over non-mask tokens, a unigram prior, ...). */
export interface BaseDistribution {
  /** Short name used in messages and reports. */
  readonly name: string;
  /** The full probability vector, length V (float64, sums to 1). Borrowed: do not mutate. */
  readonly probs: Float64Array;
  /** Draw one token id. */
  sample(rng: Rng): number;
}

/**
 * How the surrogate (optimised) loss weights a token, by loss-weighting id (bare names are difflm's); the ELBO metric
 * is always the true ELBO. The built-ins: 'unweighted-elbo' (SPEC §1.4: w_λ with p(λ) := 1, clipped to
 * [0, lossWeightClip], the paper's default), 'elbo' (w_λ/p(λ), clipped to [0, elboWeightClip]), 'clip' (SPEC §1.6:
 * the ELBO weight clipped to [minLossWeight, maxLossWeight]) and 'dynamic' (SPEC §1.6, GIDD+: the process's own);
 * a plug-in's is "<namespace>/<name>" (defineLossWeighting).
 */
export type LossWeighting = 'unweighted-elbo' | 'elbo' | 'clip' | 'dynamic' | (string & {});

/** What a process sees when asked for a dynamic loss weight of one token. */
export interface TokenWeightContext {
  readonly logSnr: number;
  /** z_t = x (the token is clean). */
  readonly isClean: boolean;
  /** z_t is the mask token. */
  readonly isMask: boolean;
}

/** A noise process instantiated for one token space. */
export interface NoiseProcess {
  /** The namespaced id of the type that made it (e.g. "difflm/hybrid"). */
  readonly id: string;
  readonly vocabSize: number;
  /** The K base distributions of π_λ = Σ_k c_k(λ)·base_k. */
  readonly bases: readonly BaseDistribution[];
  /** Write c_k(λ) (length K, non-negative, summing to 1) into out. */
  coefficients(logSnr: number, out: Float64Array): void;
  /** Write dc_k/dλ (length K, summing to 0) into out. */
  dCoefficients(logSnr: number, out: Float64Array): void;
  /** The λ-density this process is naturally trained with (linear p(λ) = σ'(λ) when absent). */
  readonly defaultSchedule?: LogSnrSchedule;
  /** The surrogate weighting this process defaults to ('unweighted-elbo' when absent). */
  readonly defaultLossWeighting?: LossWeighting;
  /** Default [min, max] for the 'clip' weighting. */
  readonly defaultLossWeightRange?: readonly [number, number];
  /** The process's own 'dynamic' surrogate weight (SPEC §1.6); optional. */
  dynamicLossWeight?(token: TokenWeightContext): number;
}

/**
 * A noise type: a default-exported, JSON-configurable factory of noise processes. Built-ins are
 * written exactly like this; registries check plug-ins by shape (see isNoisePlugin).
 */
export interface NoisePlugin<Id extends string = string, Options = unknown> {
  readonly kind: 'difflm/noise-plugin';
  /** Namespaced id, "<namespace>/<name>", e.g. "acme/unigram". */
  readonly id: Id;
  readonly description: string;
  /** Validate raw JSON options (undefined = defaults); throw an Error naming the bad field. */
  parseOptions(raw: unknown): Options;
  /** Build the process for a vocabulary; throw when the vocabulary cannot support it. */
  create(options: Options, tokens: TokenSpace): NoiseProcess;
}

/**
 * Option types per noise id. Extend it by module augmentation:
 * `declare module '@difflm/noise' { interface NoiseTypes { 'acme/foo': FooOptions } }`
 */
export interface NoiseTypes {
  'difflm/hybrid': HybridNoiseOptions;
  'difflm/masked': MaskedNoiseOptions;
  'difflm/uniform': UniformNoiseOptions;
  'difflm/gidd': GiddNoiseOptions;
}

/** Identity helper that types a plug-in (inference only; no registration side effect). */
export function defineNoise<Id extends string, Options>(plugin: Omit<NoisePlugin<Id, Options>, 'kind'>): NoisePlugin<Id, Options> {
  return Object.freeze({ kind: 'difflm/noise-plugin' as const, ...plugin });
}

export const noiseKind = pluginKind<NoisePlugin>('difflm/noise-plugin', 'noise', 'defineNoise');

/** True when value has the shape of a NoisePlugin (plug-ins are checked by shape, not by class). */
export const isNoisePlugin = (value: unknown): value is NoisePlugin => noiseKind.is(value);

/** Accept a plug-in value or an ES module namespace whose default export is one; throw otherwise. */
export const assertNoisePlugin = (value: unknown, source = 'plug-in'): NoisePlugin => noiseKind.assert(value, source);
