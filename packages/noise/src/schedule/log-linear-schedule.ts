// MDLM's log-linear schedule ([G] `MaskedDiffusion`, SPEC §1.6): σ(t) = −log1p(−(1−ε)t),
// α_t = e^{−σ(t)} = 1 − (1−ε)t, so λ = logit(1 − (1−ε)t) and p(λ) = σ'(λ)/(1−ε).
import { clamp, logit, sigmoid, sigmoidPrime } from '../scalar-math.js';
import type { LogSnrSchedule } from './log-snr-schedule.js';
import { numberField, optionRecord } from '../option-fields.js';
import { defineSchedule } from './schedule-type.js';

declare module '@difflm/noise' {
  interface ScheduleTypes { 'difflm/log-linear': LogLinearScheduleOptions }
}

/** MDLM's total noise σ(t) = −log1p(−(1−ε)t); log1p keeps it exact near t = 0 (SPEC §1.6). */
export function mdlmSigma(t: number, eps = 1e-4): number {
  return -Math.log1p(-(1 - eps) * t);
}

/** dσ/dt = (1−ε)/(1 − (1−ε)t) (SPEC §1.6). */
export function mdlmDSigma(t: number, eps = 1e-4): number {
  return (1 - eps) / (1 - (1 - eps) * t);
}

export interface LogLinearScheduleOptions {
  /** ε of SPEC §1.6 (default 1e−4): keeps α_1 = ε > 0 so λ stays finite at t = 1. */
  readonly eps?: number;
  /** Time range (default [ε, 1 − ε]). */
  readonly tMin?: number;
  readonly tMax?: number;
}

export function logLinearSchedule(options: LogLinearScheduleOptions = {}): LogSnrSchedule {
  const eps = options.eps ?? 1e-4;
  if (!(eps > 0 && eps < 1)) throw new Error(`logLinearSchedule.eps must be in (0, 1), got ${eps}`);
  const tMin = options.tMin ?? eps;
  const tMax = options.tMax ?? 1 - eps;
  if (!(tMin < tMax)) throw new Error(`logLinearSchedule: inverted time range (tMin ${tMin} must be < tMax ${tMax})`);
  const lam = (t: number): number => logit(1 - (1 - eps) * t);
  const maxLogSnr = lam(tMin);
  const minLogSnr = lam(tMax);
  return {
    name: 'log-linear', minLogSnr, maxLogSnr,
    density: (l) => sigmoidPrime(l) / (1 - eps),
    timeFromLogSnr: (l) => sigmoid(-l) / (1 - eps),
    logSnrFromTime: (t) => clamp(lam(t), minLogSnr, maxLogSnr),
  };
}

/** MDLM's log-linear schedule as a schedule type; its λ range follows from ε (or tMin/tMax), not the objective's. */
export default defineSchedule({
  id: 'difflm/log-linear',
  description: "MDLM's log-linear schedule α = 1 − (1−ε)t (SPEC §1.6); its λ range comes from ε (or tMin/tMax), not from the objective's.",
  parseOptions(raw: unknown): LogLinearScheduleOptions {
    const where = 'difflm/log-linear options';
    const o = optionRecord(raw, where, ['eps', 'tMin', 'tMax']);
    const eps = numberField(o, 'eps', where, 1e-4, (v) => (v > 0 && v < 1 ? undefined : 'must be in (0, 1)'));
    const tMin = numberField(o, 'tMin', where, eps, (v) => (v >= 0 && v < 1 ? undefined : 'must be in [0, 1)'));
    const tMax = numberField(o, 'tMax', where, 1 - eps, (v) => (v > 0 && v <= 1 ? undefined : 'must be in (0, 1]'));
    if (!(tMin < tMax)) throw new Error(`${where}: tMin ${tMin} must be < tMax ${tMax}`);
    return { eps, tMin, tMax };
  },
  create: (options: LogLinearScheduleOptions) => logLinearSchedule(options),
});
