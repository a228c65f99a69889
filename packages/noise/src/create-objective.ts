// createObjective: the trainer-facing factory. It resolves a JSON noise spec through a registry, picks the
// λ-density, and wires corruption (SPEC §1.5) and the loss (SPEC §1.4) behind the DiffusionObjective port.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { aggregateTerms, tokenTerms, type LossSettings, type TokenTerms } from './loss/diffusion-loss.js';
import { corruptAtLogSnr, corruptBatch, type CorruptionSettings } from './corruption/corrupt.js';
import type { LossWeighting, NoiseProcess } from './noise-type.js';
import type { CorruptedBatch, DiffusionObjective, NoiseSpec, TokenSpace } from './objective.js';
import { booleanField, enumField, finite, inUnitInterval, numberField, optionRecord, positive } from './option-fields.js';
import { createNoiseRegistry, type NoiseRegistry } from './registry.js';
import { createScheduleRegistry, type ScheduleRegistry } from './schedule/schedule-registry.js';
import type { ScheduleTypes } from './schedule/schedule-type.js';
import type { LogSnrSchedule } from './schedule/log-snr-schedule.js';
import { createLossWeightingRegistry, type LossWeightingRegistry } from './loss/weighting/loss-weighting-registry.js';
import type { LossWeight, LossWeightingTypes } from './loss/weighting/loss-weighting-type.js';

/** Objective settings; every field is optional and JSON-serialisable. Defaults follow the paper. */
/** Every registered schedule id (built-ins plus augmentations). */
export type ScheduleId = keyof ScheduleTypes & string;
/** Every registered loss-weighting id (built-ins plus augmentations). */
export type LossWeightingId = keyof LossWeightingTypes & string;

export interface ObjectiveOptions {
  /**
   * λ-density: a schedule type's id from the schedule registry — 'linear' (p(λ) = σ'(λ), the paper's), 'cosine',
   * 'log-linear' (bare names are the difflm namespace's), or a plug-in's "<namespace>/<name>" — or 'process' (the
   * process's own, e.g. GIDD's). Default: the process's own if it has one, else 'linear'.
   */
  readonly schedule?: 'linear' | 'cosine' | 'log-linear' | 'process' | ScheduleId | (string & {});
  /** Options of the schedule type (its parseOptions checks them). */
  readonly scheduleOptions?: Readonly<Record<string, unknown>>;
  /** λ range of the linear/cosine schedules (default [−9, 9], SPEC §1.2). */
  readonly minLogSnr?: number;
  readonly maxLogSnr?: number;
  /** Probability of per-token λ per sequence ("diffusion forcing", SPEC §1.5: 0.5). */
  readonly pIndependent?: number;
  /** Fraction of sequences with a clean prompt (SPEC §1.5: 0.2; 0 = off). */
  readonly promptFraction?: number;
  /** λ stored for prompt tokens (SPEC §1.5: 10). */
  readonly promptLogSnr?: number;
  /** f_max of empty-token insertion (SPEC §1.5: 0.2; 0 = off; needs tokens.padId). */
  readonly maxEmptyFraction?: number;
  /** Low-discrepancy λ sampling (default true). */
  readonly stratified?: boolean;
  /** β_IS, the weight of the Itakura–Saito term in the surrogate (SPEC §1.4: 1). */
  readonly betaIS?: number;
  /** 'sum' over noisy tokens (SPEC §1.4 default) or 'mean'. */
  readonly aggregation?: 'sum' | 'mean';
  /**
   * Surrogate weighting, a loss-weighting id: 'unweighted-elbo', 'elbo', 'clip', 'dynamic' (difflm's) or a plug-in's
   * "<namespace>/<name>" (default: the process's, else 'unweighted-elbo').
   */
  readonly lossWeighting?: LossWeighting | LossWeightingId;
  /** Options of the loss weighting (its parseOptions checks them). */
  readonly lossWeightingOptions?: Readonly<Record<string, unknown>>;
  /** Clip of the unweighted-ELBO weight (SPEC §1.4: 1e3). */
  readonly lossWeightClip?: number;
  /** Clip of the ELBO weight w/p(λ) (SPEC §1.4: 1e6). */
  readonly elboWeightClip?: number;
  /** Range of the 'clip'/'dynamic' weights (SPEC §1.6: [0, 2]). */
  readonly minLossWeight?: number;
  readonly maxLossWeight?: number;
  /** Floor of the weight denominator; 1e−8 reproduces [E] exactly (see token-math.ts). Default 0. */
  readonly weightDenominatorFloor?: number;
  /** ε of the IS ratio (SPEC §1.4: 1e−12). */
  readonly isEpsilon?: number;
  /** Throw on NaN/Inf logits (default true). */
  readonly checkFinite?: boolean;
}

const KNOWN = ['schedule', 'scheduleOptions', 'minLogSnr', 'maxLogSnr', 'pIndependent', 'promptFraction', 'promptLogSnr', 'maxEmptyFraction', 'stratified', 'betaIS',
  'aggregation', 'lossWeighting', 'lossWeightingOptions', 'lossWeightClip', 'elboWeightClip', 'minLossWeight', 'maxLossWeight', 'weightDenominatorFloor', 'isEpsilon', 'checkFinite'] as const;

/** True for an objective built by createObjective (its process and schedule exposed): a type guard, not a cast. */
export function isNoiseObjective(objective: DiffusionObjective): objective is NoiseObjective {
  const o = objective as Partial<NoiseObjective>;
  return typeof o.process === 'object' && o.process !== null && typeof o.schedule === 'object' && o.schedule !== null && typeof o.tokenTerms === 'function';
}

/** A DiffusionObjective with its parts exposed (process, schedule, resolved settings, per-token terms). */
export interface NoiseObjective extends DiffusionObjective {
  readonly process: NoiseProcess;
  readonly schedule: LogSnrSchedule;
  readonly corruption: CorruptionSettings;
  readonly lossSettings: LossSettings;
  /** Per-token loss terms [B, N] (caller owns them). */
  tokenTerms(logits: Tensor3D, batch: CorruptedBatch): TokenTerms;
}

function resolveSchedule(o: ObjectiveOptions, process: NoiseProcess, where: string, schedules: ScheduleRegistry): LogSnrSchedule {
  const raw = o.schedule ?? (process.defaultSchedule ? 'process' : 'linear');
  if (typeof raw !== 'string' || raw.length === 0) throw new Error(`${where}.schedule must be a schedule id such as "linear", "cosine" or "acme/foo", or "process", got ${JSON.stringify(raw)}`);
  const range = { minLogSnr: numberField(o as Record<string, unknown>, 'minLogSnr', where, -9), maxLogSnr: numberField(o as Record<string, unknown>, 'maxLogSnr', where, 9) };
  const scheduleOptions = o.scheduleOptions;
  if (raw === 'process') {
    if (!process.defaultSchedule) throw new Error(`${where}.schedule is 'process' but "${process.id}" has no schedule of its own; use 'linear' or 'cosine'`);
    if (scheduleOptions !== undefined) throw new Error(`${where}.scheduleOptions has no meaning with schedule 'process' (the process's own schedule); remove it`);
    return process.defaultSchedule;
  }
  if (!schedules.has(raw)) throw new Error(`${where}.schedule: unknown schedule id "${raw}"; known: process, ${schedules.ids().join(', ')} (a plug-in schedule: pass its module to --plugins or a study's "plugins")`);
  try {
    return schedules.create({ id: raw, ...(scheduleOptions === undefined ? {} : { options: scheduleOptions }) }, range);
  } catch (e) {
    throw new Error(`${where}.scheduleOptions (${schedules.get(raw).id}): ${(e as Error).message}`);
  }
}

function resolveWeighting(o: ObjectiveOptions, process: NoiseProcess, where: string, weightings: LossWeightingRegistry, clips: { lossWeightClip: number; elboWeightClip: number; lossWeightRange: readonly [number, number] }): LossWeight {
  const raw = o.lossWeighting ?? process.defaultLossWeighting ?? 'unweighted-elbo';
  if (typeof raw !== 'string' || raw.length === 0) throw new Error(`${where}.lossWeighting must be a loss-weighting id such as "unweighted-elbo", "clip" or "acme/foo", got ${JSON.stringify(raw)}`);
  if (!weightings.has(raw)) throw new Error(`${where}.lossWeighting: unknown loss weighting "${raw}"; known: ${weightings.ids().join(', ')} (a plug-in weighting: pass its module to --plugins or a study's "plugins")`);
  const plugin = weightings.get(raw);
  let parsed: unknown;
  try {
    parsed = plugin.parseOptions(o.lossWeightingOptions);
  } catch (e) {
    throw new Error(`${where}.lossWeightingOptions (${plugin.id}): ${(e as Error).message}`);
  }
  try {
    return plugin.create(parsed, { process, ...clips });
  } catch (e) {
    throw new Error(`${where}.lossWeighting (${plugin.id}): ${(e as Error).message}`);
  }
}

export function createObjective(spec: NoiseSpec, tokens: TokenSpace, options: ObjectiveOptions = {}, registry: NoiseRegistry = createNoiseRegistry(), schedules: ScheduleRegistry = createScheduleRegistry(), weightings: LossWeightingRegistry = createLossWeightingRegistry()): NoiseObjective {
  const where = 'objective options';
  const o = optionRecord(options, where, KNOWN);
  const process = registry.create(spec, tokens);
  const schedule = resolveSchedule(o, process, where, schedules);
  const corruption: CorruptionSettings = {
    schedule,
    pIndependent: numberField(o, 'pIndependent', where, 0.5, inUnitInterval),
    promptFraction: numberField(o, 'promptFraction', where, 0.2, inUnitInterval),
    promptLogSnr: numberField(o, 'promptLogSnr', where, 10, finite),
    maxEmptyFraction: numberField(o, 'maxEmptyFraction', where, 0.2, (v) => (v >= 0 && v < 1 ? undefined : 'must be in [0, 1)')),
    stratified: booleanField(o, 'stratified', where, true),
  };
  const [defMin, defMax] = process.defaultLossWeightRange ?? [0, 2];
  const clips = {
    lossWeightClip: numberField(o, 'lossWeightClip', where, 1e3, positive),
    elboWeightClip: numberField(o, 'elboWeightClip', where, 1e6, positive),
    lossWeightRange: [numberField(o, 'minLossWeight', where, defMin, finite), numberField(o, 'maxLossWeight', where, defMax, finite)] as [number, number],
  };
  if (!(clips.lossWeightRange[0] <= clips.lossWeightRange[1])) throw new Error(`${where}: minLossWeight ${clips.lossWeightRange[0]} must be <= maxLossWeight ${clips.lossWeightRange[1]}`);
  const lossSettings: LossSettings = {
    schedule,
    weighting: resolveWeighting(o, process, where, weightings, clips),
    ...clips,
    denominatorFloor: numberField(o, 'weightDenominatorFloor', where, 0, (v) => (v >= 0 ? undefined : 'must be >= 0')),
    betaIS: numberField(o, 'betaIS', where, 1, (v) => (v >= 0 && Number.isFinite(v) ? undefined : 'must be a finite number >= 0')),
    aggregation: enumField(o, 'aggregation', where, ['sum', 'mean'] as const, 'sum'),
    isEpsilon: numberField(o, 'isEpsilon', where, 1e-12, (v) => (v >= 0 ? undefined : 'must be >= 0')),
    checkFinite: booleanField(o, 'checkFinite', where, true),
  };
  const frozenSpec: NoiseSpec = JSON.parse(JSON.stringify(spec)) as NoiseSpec;
  const terms = (logits: Tensor3D, batch: CorruptedBatch): TokenTerms => tokenTerms(process, lossSettings, tokens.maskId, logits, batch);
  return {
    spec: frozenSpec, tokens, process, schedule, corruption, lossSettings,
    corrupt: (x: Tensor2D, rng) => corruptBatch(process, tokens, corruption, x, rng),
    corruptAt: (x: Tensor2D, logSnr, rng) => corruptAtLogSnr(process, tokens, schedule, x, logSnr, rng, corruption.stratified),
    tokenTerms: terms,
    loss(logits, batch) {
      return tf.tidy(() => aggregateTerms(terms(logits, batch), batch.noiseMask, lossSettings.aggregation));
    },
  };
}
