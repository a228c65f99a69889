// A third-party λ schedule, written only against @difflm/noise's public contract: the cosine schedule shifted by a
// constant in log-SNR, λ_s(t) = λ_cos(t) + shift (the "shifted" schedules of Hoogeboom et al. 2023, which move the
// training signal towards noisier λ for shift < 0). Its density is p_s(λ) = p_cos(λ − shift).
import { cosineSchedule, defineSchedule, numberField, optionRecord, type LogSnrRange, type LogSnrSchedule } from '@difflm/noise';

export interface ShiftedCosineOptions {
  /** The shift in λ (default 0: the cosine schedule itself); |shift| ≤ 20. */
  readonly shift?: number;
}

declare module '@difflm/noise' {
  interface ScheduleTypes { 'acme/shifted-cosine': ShiftedCosineOptions }
}

/** The schedule on the objective's λ range: the cosine schedule's time map, moved by `shift` in λ. */
export function shiftedCosineSchedule(shift: number, range: LogSnrRange): LogSnrSchedule {
  const base = cosineSchedule({ minLogSnr: range.minLogSnr - shift, maxLogSnr: range.maxLogSnr - shift });
  return {
    name: `shifted-cosine(${shift})`,
    minLogSnr: range.minLogSnr,
    maxLogSnr: range.maxLogSnr,
    density: (l) => base.density(l - shift),
    timeFromLogSnr: (l) => base.timeFromLogSnr(l - shift),
    logSnrFromTime: (t) => base.logSnrFromTime(t) + shift,
  };
}

export default defineSchedule({
  id: 'acme/shifted-cosine',
  description: 'The cosine λ-density shifted by a constant in log-SNR (options: shift, default 0), on the objective\'s λ range.',
  parseOptions(raw: unknown): Required<ShiftedCosineOptions> {
    // difflm's own option readers: the same one-line errors as the built-ins'.
    const o = optionRecord(raw, 'acme/shifted-cosine options', ['shift']);
    return { shift: numberField(o, 'shift', 'acme/shifted-cosine options', 0, (v) => (Number.isFinite(v) && Math.abs(v) <= 20 ? undefined : 'must be a finite number in [-20, 20]')) };
  },
  create: ({ shift }: Required<ShiftedCosineOptions>, range: LogSnrRange) => shiftedCosineSchedule(shift, range),
});
