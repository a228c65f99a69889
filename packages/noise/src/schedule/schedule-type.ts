// The λ-schedule contract: a schedule type is a value, registered and resolved by namespaced id exactly as a noise
// type is (registry.ts). Built-ins (`difflm/linear`, `difflm/cosine`, `difflm/log-linear`) are written this way too.
import { pluginKind } from '../plugin-kind.js';
import type { LogSnrSchedule } from './log-snr-schedule.js';

/** The λ range the objective asks for (its `minLogSnr`/`maxLogSnr` options, default [−9, 9], SPEC §1.2). */
export interface LogSnrRange {
  readonly minLogSnr: number;
  readonly maxLogSnr: number;
}

/**
 * A λ-schedule type: a default-exported, JSON-configurable factory of λ-densities p(λ) with their time maps. The
 * objective samples λ from it (`objectiveOptions.schedule: "<namespace>/<name>"`, options in `scheduleOptions`).
 */
export interface SchedulePlugin<Id extends string = string, Options = unknown> {
  readonly kind: 'difflm/schedule-plugin';
  /** Namespaced id, "<namespace>/<name>", e.g. "acme/shifted-cosine". */
  readonly id: Id;
  readonly description: string;
  /** Validate raw JSON options (undefined = defaults); throw an Error naming the bad field. */
  parseOptions(raw: unknown): Options;
  /** Build the schedule on the objective's λ range (a schedule may use a range of its own; say so in its description). */
  create(options: Options, range: LogSnrRange): LogSnrSchedule;
}

/**
 * Option types per schedule id. Each schedule type adds its own entry by module augmentation, in its own file:
 * `declare module '@difflm/noise' { interface ScheduleTypes { 'acme/foo': FooOptions } }`
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ScheduleTypes {}

/** Identity helper that types a schedule plug-in (no registration side effect). */
export function defineSchedule<Id extends string, Options>(plugin: Omit<SchedulePlugin<Id, Options>, 'kind'>): SchedulePlugin<Id, Options> {
  return Object.freeze({ kind: 'difflm/schedule-plugin' as const, ...plugin });
}

export const scheduleKind = pluginKind<SchedulePlugin>('difflm/schedule-plugin', 'schedule', 'defineSchedule');

/** True when value has the shape of a SchedulePlugin (plug-ins are checked by shape, not by class). */
export const isSchedulePlugin = (value: unknown): value is SchedulePlugin => scheduleKind.is(value);

/** Accept a plug-in value or an ES module namespace whose default export is one; throw otherwise. */
export const assertSchedulePlugin = (value: unknown, source = 'plug-in'): SchedulePlugin => scheduleKind.assert(value, source);
