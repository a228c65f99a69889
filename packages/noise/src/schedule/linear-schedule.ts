// The paper's schedule: α = 1 − t with t ~ U, so λ = logit(1 − t) and p(λ) = σ'(λ) = σ(λ)σ(−λ)
// (SPEC §1.2; [E] `LinearMixingRate`).
import { clamp, logit, sigmoid, sigmoidPrime } from '../scalar-math.js';
import { checkLogSnrRange, type LogSnrRangeOptions, type LogSnrSchedule } from './log-snr-schedule.js';
import { optionRecord } from '../option-fields.js';
import { defineSchedule } from './schedule-type.js';

/** `difflm/linear` has no options of its own: its λ range is the objective's. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface LinearScheduleOptions {}

declare module '@difflm/noise' {
  interface ScheduleTypes { 'difflm/linear': LinearScheduleOptions }
}

export function linearSchedule(options?: LogSnrRangeOptions): LogSnrSchedule {
  const [minLogSnr, maxLogSnr] = checkLogSnrRange(options, 'linearSchedule');
  return {
    name: 'linear', minLogSnr, maxLogSnr,
    density: (l) => sigmoidPrime(l),
    timeFromLogSnr: (l) => sigmoid(-clamp(l, minLogSnr, maxLogSnr)), // [E] clips λ here too
    logSnrFromTime: (t) => clamp(logit(1 - t), minLogSnr, maxLogSnr),
    // [E]'s linear grid: α = 1 − t from 1e−4 to 0.9999.
    samplingTimes: [1e-4, 0.9999],
  };
}

/** The paper's λ-density as a schedule type (`schedule: "linear"` or `"difflm/linear"`). */
export default defineSchedule({
  id: 'difflm/linear',
  description: "The paper's schedule: α = 1 − t, p(λ) = σ'(λ), on the objective's λ range (SPEC §1.2).",
  parseOptions: (raw: unknown): LinearScheduleOptions => optionRecord(raw, 'difflm/linear options', []) as LinearScheduleOptions,
  create: (_options: LinearScheduleOptions, range) => linearSchedule(range),
});
