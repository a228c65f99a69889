// An immutable registry of λ-schedule types keyed by namespaced id, built like the noise registry: no global
// state, the built-ins are ordinary plug-ins. A list of loaded plug-in modules may mix kinds; each registry takes
// the values of its own kind and leaves the others (see pluginsOfKind).
import { checkLogSnrRange } from './log-snr-schedule.js';
import type { LogSnrSchedule } from './log-snr-schedule.js';
import { qualifiedId } from '../plugin-kind.js';
import { assertSchedulePlugin, scheduleKind, type LogSnrRange, type SchedulePlugin } from './schedule-type.js';
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
  const mine = plugins.filter((p) => !scheduleKind.isOtherKind(p));
  const byId = new Map<string, SchedulePlugin>();
  const add = (value: unknown, source: string): void => {
    const plugin = assertSchedulePlugin(value, source);
    if (byId.has(plugin.id)) throw new Error(`schedule id "${plugin.id}" is registered twice; each plug-in needs a unique namespaced id`);
    byId.set(plugin.id, plugin);
  };
  if (options.builtins !== false) builtinScheduleTypes.forEach((p, i) => add(p, `built-in schedule type #${i + 1}`));
  mine.forEach((p, i) => add(p, `schedule plug-in #${i + 1}`));
  return fromMap(byId);
}

function fromMap(byId: ReadonlyMap<string, SchedulePlugin>): ScheduleRegistry {
  const registry: ScheduleRegistry = {
    ids: () => [...byId.keys()].sort(),
    has: (idOrName) => byId.has(qualifiedId(idOrName)),
    get(idOrName) {
      const plugin = byId.get(qualifiedId(idOrName));
      if (!plugin) throw new Error(`unknown schedule id "${idOrName}"; known ids: ${registry.ids().join(', ')} (a plug-in schedule: pass its module to --plugins or a study's "plugins")`);
      return plugin;
    },
    create(spec, range) {
      if (typeof spec?.id !== 'string') throw new Error(`schedule spec.id must be a string such as "difflm/linear", got ${JSON.stringify(spec?.id)}`);
      const [minLogSnr, maxLogSnr] = checkLogSnrRange(range, 'schedule range');
      const plugin = registry.get(spec.id);
      return plugin.create(plugin.parseOptions(spec.options), { minLogSnr, maxLogSnr });
    },
    with(...plugins) {
      const next = new Map(byId);
      plugins.filter((p) => !scheduleKind.isOtherKind(p)).forEach((value, i) => {
        const plugin = assertSchedulePlugin(value, `schedule plug-in #${i + 1}`);
        if (next.has(plugin.id)) throw new Error(`schedule id "${plugin.id}" is registered twice; each plug-in needs a unique namespaced id`);
        next.set(plugin.id, plugin);
      });
      return fromMap(next);
    },
  };
  return registry;
}
