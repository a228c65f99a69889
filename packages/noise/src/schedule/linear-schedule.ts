// The paper's schedule: α = 1 − t with t ~ U, so λ = logit(1 − t) and p(λ) = σ'(λ) = σ(λ)σ(−λ)
// (SPEC §1.2; [E] `LinearMixingRate`).
import { clamp, logit, sigmoid, sigmoidPrime } from '../scalar-math.js';
import { checkLogSnrRange, type LogSnrRangeOptions, type LogSnrSchedule } from './log-snr-schedule.js';

export function linearSchedule(options?: LogSnrRangeOptions): LogSnrSchedule {
  const [minLogSnr, maxLogSnr] = checkLogSnrRange(options, 'linearSchedule');
  return {
    name: 'linear', minLogSnr, maxLogSnr,
    density: (l) => sigmoidPrime(l),
    timeFromLogSnr: (l) => sigmoid(-clamp(l, minLogSnr, maxLogSnr)), // [E] clips λ here too
    logSnrFromTime: (t) => clamp(logit(1 - t), minLogSnr, maxLogSnr),
  };
}
