// Cosine schedule: α = ½ + ½cos(πt) = cos²(πt/2) with t ~ U (SPEC §2.1, the "cosine" grid).
// Then λ = −2·log tan(πt/2), t(λ) = (2/π)·atan(e^{−λ/2}) and p(λ) = |dt/dλ| = 1/(2π·cosh(λ/2)) [inferred].
import { clamp } from '../scalar-math.js';
import { checkLogSnrRange, type LogSnrRangeOptions, type LogSnrSchedule } from './log-snr-schedule.js';
import { optionRecord } from '../option-fields.js';
import { defineSchedule } from './schedule-type.js';

/** `difflm/cosine` has no options of its own: its λ range is the objective's. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CosineScheduleOptions {}

declare module '@difflm/noise' {
  interface ScheduleTypes { 'difflm/cosine': CosineScheduleOptions }
}

export function cosineSchedule(options?: LogSnrRangeOptions): LogSnrSchedule {
  const [minLogSnr, maxLogSnr] = checkLogSnrRange(options, 'cosineSchedule');
  return {
    name: 'cosine', minLogSnr, maxLogSnr,
    density: (l) => 1 / (2 * Math.PI * Math.cosh(l / 2)),
    timeFromLogSnr: (l) => (2 / Math.PI) * Math.atan(Math.exp(-l / 2)),
    logSnrFromTime: (t) => clamp(-2 * Math.log(Math.tan((Math.PI * t) / 2)), minLogSnr, maxLogSnr),
  };
}

/** The cosine λ-density as a schedule type (`schedule: "cosine"` or `"difflm/cosine"`). */
export default defineSchedule({
  id: 'difflm/cosine',
  description: 'Cosine schedule: α = cos²(πt/2), p(λ) = 1/(2π·cosh(λ/2)), on the objective\'s λ range (SPEC §2.1).',
  parseOptions: (raw: unknown): CosineScheduleOptions => optionRecord(raw, 'difflm/cosine options', []) as CosineScheduleOptions,
  create: (_options: CosineScheduleOptions, range) => cosineSchedule(range),
});
