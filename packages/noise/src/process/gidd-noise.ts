// The original GIDD time-parametrised hybrid family (ICML 2025; SPEC §1.6, [G] `HybridDiffusion`):
//   c_t = B·(t(1−t))^{γ/2},  α_t = (1−t)/(1+c_t),  β_t·π_t = (t·m + c_t·u)/(1+c_t),  B = 2^γ·p_u/(1−p_u).
// It fits the log-SNR contract by a change of variables: β_t = (t + c_t)/(1 + c_t), so
//   λ(t) = log(1−t) − log(t + c_t),  π_λ = (t·m + c_t·u)/(t + c_t)  with t = t(λ),
// and with t ~ U its λ-density is p(λ) = |dt/dλ|, which makes w_λ/p(λ) equal GIDD's ELBO weight w_t.
import { defineNoise, type NoiseProcess } from '../noise-type.js';
import { enumField, finite, numberField, optionRecord, positive } from '../option-fields.js';
import { clamp, sigmoid } from '../scalar-math.js';
import type { LogSnrSchedule } from '../schedule/log-snr-schedule.js';
import { maskBase, uniformBase } from './base-distributions.js';

export interface GiddNoiseOptions {
  /** Uniform share p_u at t = ½ (SPEC §1.6 uses 0, 0.1, 0.2). Default 0. */
  readonly pUniform?: number;
  /** Exponent γ (default 1). */
  readonly gamma?: number;
  /** Time clip ε: t ∈ [ε, 1 − ε] (default 1e−4, [G] `t_eps`). */
  readonly tEps?: number;
  /** Surrogate weighting (default 'dynamic', GIDD+). */
  readonly weighting?: 'elbo' | 'clip' | 'dynamic';
}

interface ParsedGidd { readonly pUniform: number; readonly gamma: number; readonly tEps: number; readonly weighting: 'elbo' | 'clip' | 'dynamic' }

/** GIDD's schedule constants: p_u floored at e^−20 and log B clipped at ≥ −20 (SPEC §1.6, [G] `clip_noise=20`). */
export function giddLogB(pUniform: number, gamma: number): number {
  const p = Math.max(pUniform, Math.exp(-20));
  return Math.max(gamma * Math.LN2 + Math.log(p) - Math.log1p(-p), -20);
}

/** The t-space quantities of SPEC §1.6 at time t. */
export function giddAt(t: number, logB: number, gamma: number): { c: number; dc: number; alpha: number; logSnr: number; dLogSnrDt: number } {
  const c = Math.exp(logB + (gamma / 2) * (Math.log(t) + Math.log1p(-t)));
  const dc = ((gamma / 2) * (1 - 2 * t)) / (t * (1 - t)) * c;
  return {
    c, dc,
    alpha: (1 - t) / (1 + c),
    logSnr: Math.log1p(-t) - Math.log(t + c),
    dLogSnrDt: -1 / (1 - t) - (1 + dc) / (t + c),
  };
}

/** t(λ) for the GIDD family: bisection on the monotone λ(t), polished by two Newton steps. */
export function giddTimeFromLogSnr(logSnr: number, logB: number, gamma: number): number {
  let lo = 0, hi = 1;
  for (let i = 0; i < 64; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= 0 || mid >= 1) break;
    if (giddAt(mid, logB, gamma).logSnr > logSnr) lo = mid; else hi = mid;
  }
  let t = 0.5 * (lo + hi);
  for (let i = 0; i < 2; i++) {
    const g = giddAt(t, logB, gamma);
    const next = t - (g.logSnr - logSnr) / g.dLogSnrDt;
    if (next > lo && next < hi) t = next;
  }
  return t;
}

/** The GIDD time-uniform schedule, t ~ U[ε, 1−ε], p(λ) = |dt/dλ|. */
export function giddSchedule(pUniform = 0, gamma = 1, tEps = 1e-4): LogSnrSchedule {
  const logB = giddLogB(pUniform, gamma);
  const maxLogSnr = giddAt(tEps, logB, gamma).logSnr;
  const minLogSnr = giddAt(1 - tEps, logB, gamma).logSnr;
  return {
    name: `gidd(p_u=${pUniform})`, minLogSnr, maxLogSnr,
    density: (l) => 1 / Math.abs(giddAt(giddTimeFromLogSnr(l, logB, gamma), logB, gamma).dLogSnrDt),
    timeFromLogSnr: (l) => giddTimeFromLogSnr(l, logB, gamma),
    logSnrFromTime: (t) => clamp(giddAt(t, logB, gamma).logSnr, minLogSnr, maxLogSnr),
  };
}

const giddNoise = defineNoise<'difflm/gidd', ParsedGidd>({
  id: 'difflm/gidd',
  description: 'GIDD time-parametrised hybrid family with uniform share p_u (ICML 2025), in log-SNR form',
  parseOptions(raw) {
    const where = 'difflm/gidd options';
    const o = optionRecord(raw, where, ['pUniform', 'gamma', 'tEps', 'weighting']);
    return {
      pUniform: numberField(o, 'pUniform', where, 0, (v) => (v >= 0 && v < 1 ? undefined : 'must be in [0, 1)')),
      gamma: numberField(o, 'gamma', where, 1, (v) => positive(v) ?? finite(v)),
      tEps: numberField(o, 'tEps', where, 1e-4, (v) => (v > 0 && v < 0.5 ? undefined : 'must be in (0, 0.5)')),
      weighting: enumField(o, 'weighting', where, ['elbo', 'clip', 'dynamic'] as const, 'dynamic'),
    };
  },
  create({ pUniform, gamma, tEps, weighting }, tokens): NoiseProcess {
    const logB = giddLogB(pUniform, gamma);
    const V = tokens.vocabSize;
    const bases = [uniformBase(tokens), maskBase(tokens, 'difflm/gidd')]; // [u, m]
    return {
      id: 'difflm/gidd', vocabSize: V, bases,
      defaultSchedule: giddSchedule(pUniform, gamma, tEps),
      defaultLossWeighting: weighting,
      defaultLossWeightRange: [0, 2], // [G] gidd.yaml min/max_loss_weight
      coefficients(l, out) {
        const t = giddTimeFromLogSnr(l, logB, gamma);
        const { c } = giddAt(t, logB, gamma);
        out[0] = c / (t + c);
        out[1] = t / (t + c);
      },
      dCoefficients(l, out) {
        const t = giddTimeFromLogSnr(l, logB, gamma);
        const g = giddAt(t, logB, gamma);
        const dUdt = (g.dc * t - g.c) / ((t + g.c) * (t + g.c));
        out[0] = dUdt / g.dLogSnrDt;
        out[1] = -out[0];
      },
      // SPEC §1.6 `dynamic` (GIDD+): mask → 2, uniform-noise token → 1, clean → (B/V)·exp(γ/2·σ(−t)),
      // as [G] writes it (it uses σ(−t), "not exactly the log-SNR", fixtures README D9); clipped by the loss.
      dynamicLossWeight({ logSnr, isClean, isMask }) {
        if (isMask) return 2;
        if (!isClean) return 1;
        const t = giddTimeFromLogSnr(logSnr, logB, gamma);
        return (Math.exp(logB) / V) * Math.exp((gamma / 2) * sigmoid(-t));
      },
    };
  },
});

export default giddNoise;
export { giddNoise };
