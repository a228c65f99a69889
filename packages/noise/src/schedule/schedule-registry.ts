// An immutable registry of λ-schedule types keyed by namespaced id, built like the noise registry: no global
// state, the built-ins are ordinary plug-ins. A list of loaded plug-in modules may mix kinds; each registry takes
// the values of its own kind and leaves the others (see pluginsOfKind).
import { checkLogSnrRange } from './log-snr-schedule.js';
import type { LogSnrSchedule } from './log-snr-schedule.js';
import { pluginTable, type PluginTable } from '../plugin-kind.js';
import { scheduleKind, type LogSnrRange, type SchedulePlugin } from './schedule-type.js';
import cosineScheduleType from './cosine-schedule.js';
import linearScheduleType from './linear-schedule.js';
import logLinearScheduleType from './log-linear-schedule.js';

/** The schedule types that ship with @difflm/noise, as plain plug-in values. */
export const builtinScheduleTypes: readonly SchedulePlugin[] = Object.freeze([linearScheduleType, cosineScheduleType, logLinearScheduleType]) as readonly SchedulePlugin[];

/** A schedule by id with its JSON options. */
export interface ScheduleSpec {
  readonly id: string;
  readonly options?: Readonly<Record<string, unknown>>;
}

export interface ScheduleRegistry {
  /** Registered ids, sorted. */
  ids(): string[];
  /** True for a registered id or a bare name of the difflm namespace ("cosine"). */
  has(idOrName: string): boolean;
  /** The plug-in for an id or bare name; throws listing the known ids when absent. */
  get(idOrName: string): SchedulePlugin;
  /** Validate the spec's options and build the schedule on a λ range. */
  create(spec: ScheduleSpec, range: LogSnrRange): LogSnrSchedule;
  /** A new registry with more plug-ins (this one is unchanged). */
  with(...plugins: unknown[]): ScheduleRegistry;
}

/**
 * Build a registry from schedule plug-in values (or module namespaces whose default export is one). Values of
 * another plug-in kind (a noise type) are skipped, so one list of loaded modules serves every registry.
 */
export function createScheduleRegistry(plugins: readonly unknown[] = [], options: { readonly builtins?: boolean } = {}): ScheduleRegistry {
  return fromTable(pluginTable(scheduleKind, 'schedule', options.builtins === false ? [] : builtinScheduleTypes, plugins,
    (idOrName, ids) => `unknown schedule id "${idOrName}"; known ids: ${ids.join(', ')} (a plug-in schedule: pass its module to --plugins or a study's "plugins")`));
}

function fromTable(table: PluginTable<SchedulePlugin>): ScheduleRegistry {
  return {
    ids: table.ids, has: table.has, get: table.get,
    create(spec, range) {
      if (typeof spec?.id !== 'string') throw new Error(`schedule spec.id must be a string such as "difflm/linear", got ${JSON.stringify(spec?.id)}`);
      const [minLogSnr, maxLogSnr] = checkLogSnrRange(range, 'schedule range');
      const plugin = table.get(spec.id);
      return plugin.create(plugin.parseOptions(spec.options), { minLogSnr, maxLogSnr });
    },
    with: (...more) => fromTable(table.extended(more)),
  };
}
