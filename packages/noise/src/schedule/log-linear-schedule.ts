// MDLM's log-linear schedule ([G] `MaskedDiffusion`, SPEC §1.6): σ(t) = −log1p(−(1−ε)t),
// α_t = e^{−σ(t)} = 1 − (1−ε)t, so λ = logit(1 − (1−ε)t) and p(λ) = σ'(λ)/(1−ε).
import { clamp, logit, sigmoid, sigmoidPrime } from '../scalar-math.js';
import type { LogSnrSchedule } from './log-snr-schedule.js';

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
