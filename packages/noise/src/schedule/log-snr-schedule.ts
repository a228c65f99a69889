// A λ-density p(λ) on [λmin, λmax] with its map to and from diffusion time (SPEC §1.2, §2.1).
// Time runs from 0 (clean, λ = +∞) to 1 (pure noise, λ = −∞); λ is sampled by drawing t uniformly on
// [t(λmax), t(λmin)] and mapping it, exactly as [E] `LinearMixingRate.sample_log_snr` does.

export interface LogSnrSchedule {
  readonly name: string;
  readonly minLogSnr: number;
  readonly maxLogSnr: number;
  /** p(λ), the density of λ when t ~ U(0, 1) (the truncation normaliser is ignored, SPEC §1.2). */
  density(logSnr: number): number;
  /** t(λ), decreasing in λ. */
  timeFromLogSnr(logSnr: number): number;
  /** λ(t), clipped to [minLogSnr, maxLogSnr]. */
  logSnrFromTime(time: number): number;
  /**
   * The times [data end, noise end] a sampler's λ grid on this schedule spans (default DEFAULT_SAMPLING_TIMES):
   * short of 0 and 1, so λ stays finite before the range clips it.
   */
  readonly samplingTimes?: readonly [number, number];
}

/** The times a sampler's grid spans when a schedule names none: [E]'s cosine grid, t from 0.999 to 1e−3. */
export const DEFAULT_SAMPLING_TIMES: readonly [number, number] = [1e-3, 0.999];

/** The time range [t(λmax), t(λmin)] that λ sampling draws from. */
export function timeRange(schedule: LogSnrSchedule): [number, number] {
  return [schedule.timeFromLogSnr(schedule.maxLogSnr), schedule.timeFromLogSnr(schedule.minLogSnr)];
}

/** Map u ∈ [0, 1) to λ: t = tMin + u·(tMax − tMin), λ = λ(t). */
export function logSnrFromUniform(schedule: LogSnrSchedule, u: number): number {
  const [tMin, tMax] = timeRange(schedule);
  return schedule.logSnrFromTime(tMin + u * (tMax - tMin));
}

/** Options shared by the built-in schedules. */
export interface LogSnrRangeOptions {
  /** Lower λ bound (default −9, SPEC §1.2 / [P §4.1]). */
  readonly minLogSnr?: number;
  /** Upper λ bound (default 9). */
  readonly maxLogSnr?: number;
}

/** Validate a λ range and fill the paper's defaults [−9, 9]. */
export function checkLogSnrRange(options: LogSnrRangeOptions | undefined, where: string): [number, number] {
  const min = options?.minLogSnr ?? -9;
  const max = options?.maxLogSnr ?? 9;
  if (typeof min !== 'number' || !Number.isFinite(min)) throw new Error(`${where}.minLogSnr must be a finite number, got ${String(min)}`);
  if (typeof max !== 'number' || !Number.isFinite(max)) throw new Error(`${where}.maxLogSnr must be a finite number, got ${String(max)}`);
  if (!(min < max)) throw new Error(`${where}: inverted λ range (minLogSnr ${min} must be < maxLogSnr ${max}); the paper uses [-9, 9]`);
  return [min, max];
}
