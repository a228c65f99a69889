// A third-party λ schedule, written only against @difflm/noise's public contract: the cosine schedule shifted by a
// constant in log-SNR, λ_s(t) = λ_cos(t) + shift (the "shifted" schedules of Hoogeboom et al. 2023, which move the
// training signal towards noisier λ for shift < 0). Its density is p_s(λ) = p_cos(λ − shift).
import { cosineSchedule, defineSchedule, type LogSnrRange, type LogSnrSchedule } from '@difflm/noise';

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
    if (raw === undefined || raw === null) return { shift: 0 };
    if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`acme/shifted-cosine options must be an object, got ${Array.isArray(raw) ? 'an array' : typeof raw}`);
    const { shift = 0, ...rest } = raw as Record<string, unknown>;
    const unknown = Object.keys(rest);
    if (unknown.length) throw new Error(`acme/shifted-cosine: unknown option "${unknown[0]}" (known: shift)`);
    if (typeof shift !== 'number' || !Number.isFinite(shift) || Math.abs(shift) > 20) throw new Error(`acme/shifted-cosine options.shift must be a finite number in [-20, 20], got ${JSON.stringify(shift)}`);
    return { shift };
  },
  create: ({ shift }: Required<ShiftedCosineOptions>, range: LogSnrRange) => shiftedCosineSchedule(shift, range),
});
