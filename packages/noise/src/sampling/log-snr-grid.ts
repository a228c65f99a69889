// λ grids for the samplers (SPEC §2.1), ordered from noise (λ_min) to data (λ_max). A grid is a λ schedule
// (`difflm/linear`, `difflm/cosine`, `difflm/log-linear` or a plug-in's): T+1 times evenly spaced from the noise
// end to the data end of the schedule's `samplingTimes`, mapped through its λ(t) and clipped to the λ range.
// With the built-ins this is SPEC §2.1's grids: linear α = linspace(1e−4, 0.9999, T+1) (α = 1 − t), cosine
// t = linspace(0.999, 1e−3, T+1) with α = ½ + ½cos(πt); the endpoints are [E]'s and keep λ finite.
import { clamp } from '../scalar-math.js';
import { DEFAULT_SAMPLING_TIMES, type LogSnrSchedule } from '../schedule/log-snr-schedule.js';
import { createScheduleRegistry, type ScheduleRegistry } from '../schedule/schedule-registry.js';

/** A grid's schedule id: "cosine", "linear", "log-linear" (difflm's) or a plug-in schedule's namespaced id. */
export type LogSnrGridKind = 'linear' | 'cosine' | (string & {});

const builtinSchedules = createScheduleRegistry();

/**
 * The sampler's λ grid of `steps` steps on a λ schedule given by id (resolved through `schedules`, default the
 * built-ins, with `options` as its JSON options) or as a built schedule.
 */
export function logSnrGrid(grid: LogSnrGridKind | LogSnrSchedule, steps: number, range: readonly [number, number] = [-9, 9], schedules: ScheduleRegistry = builtinSchedules, options?: Readonly<Record<string, unknown>>): Float64Array {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`sampler steps must be an integer >= 1, got ${steps}`);
  if (!(range[0] < range[1])) throw new Error(`sampler: inverted λ range [${range[0]}, ${range[1]}] (min must be < max)`);
  const schedule = typeof grid === 'string' ? schedules.create({ id: grid, ...(options ? { options } : {}) }, { minLogSnr: range[0], maxLogSnr: range[1] }) : grid;
  const [tData, tNoise] = schedule.samplingTimes ?? DEFAULT_SAMPLING_TIMES;
  const out = new Float64Array(steps + 1);
  for (let i = 0; i <= steps; i++) out[i] = clamp(schedule.logSnrFromTime(tNoise + (i / steps) * (tData - tNoise)), range[0], range[1]);
  return out;
}
