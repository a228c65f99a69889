// Cosine schedule: α = ½ + ½cos(πt) = cos²(πt/2) with t ~ U (SPEC §2.1, the "cosine" grid).
// Then λ = −2·log tan(πt/2), t(λ) = (2/π)·atan(e^{−λ/2}) and p(λ) = |dt/dλ| = 1/(2π·cosh(λ/2)) [inferred].
import { clamp } from '../scalar-math.js';
import { checkLogSnrRange, type LogSnrRangeOptions, type LogSnrSchedule } from './log-snr-schedule.js';

export function cosineSchedule(options?: LogSnrRangeOptions): LogSnrSchedule {
  const [minLogSnr, maxLogSnr] = checkLogSnrRange(options, 'cosineSchedule');
  return {
    name: 'cosine', minLogSnr, maxLogSnr,
    density: (l) => 1 / (2 * Math.PI * Math.cosh(l / 2)),
    timeFromLogSnr: (l) => (2 / Math.PI) * Math.atan(Math.exp(-l / 2)),
    logSnrFromTime: (t) => clamp(-2 * Math.log(Math.tan((Math.PI * t) / 2)), minLogSnr, maxLogSnr),
  };
}
