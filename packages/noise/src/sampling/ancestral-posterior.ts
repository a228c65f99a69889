// The ancestral posterior of any process (SPEC §2.1, [E] `ancestral_sampling_step`):
//   q_s = α_s·x̂ + β_s·π_s,   q_{t|s}(z_t | z_s) = α_{t|s}·[z_s = z_t] + (β_t π_t − α_{t|s} β_s π_s)[z_t],
//   p(z_s | z_t) = q_s ⊙ q_{t|s}(z_t | ·) / Σ,  with α_{t|s} = α_t/α_s (λ_s > λ_t, less noise at s).
import type { NoiseProcess } from '../noise-type.js';
import { clamp, sigmoid } from '../scalar-math.js';
import { piVector } from '../token-math.js';

/** Per-step constants of the posterior between λ_t (noisier) and λ_s. */
export interface PosteriorStep {
  readonly alphaS: number;
  readonly betaS: number;
  readonly alphaTS: number;
  readonly piS: Float64Array;
  /** (β_t π_t − α_{t|s} β_s π_s), length V. */
  readonly residual: Float64Array;
}

export function posteriorStep(process: NoiseProcess, logSnrT: number, logSnrS: number, range: readonly [number, number]): PosteriorStep {
  const lt = clamp(logSnrT, range[0], range[1]), ls = clamp(logSnrS, range[0], range[1]);
  const alphaT = sigmoid(lt), betaT = sigmoid(-lt), alphaS = sigmoid(ls), betaS = sigmoid(-ls);
  const alphaTS = alphaT / alphaS;
  const piT = piVector(process, logSnrT), piS = piVector(process, logSnrS);
  // max(·, 0): the residual is ≥ 0 mathematically for λ_s ≥ λ_t; rounding can leave −1e−17 (SPEC §1.1 rank-1 form).
  const residual = piT.map((p, v) => Math.max(betaT * p - alphaTS * betaS * piS[v]!, 0));
  return { alphaS, betaS, alphaTS, piS, residual };
}

/** Write p(z_s | z_t) for one position into out (length V) and return it. */
export function ancestralPosterior(step: PosteriorStep, xhat: Float64Array, zt: number, out: Float64Array): Float64Array {
  const r = step.residual[zt]!;
  let sum = 0;
  for (let v = 0; v < out.length; v++) {
    const qs = step.alphaS * xhat[v]! + step.betaS * step.piS[v]!;
    const p = qs * ((v === zt ? step.alphaTS : 0) + r);
    out[v] = p; sum += p;
  }
  if (!(sum > 0)) throw new Error(`sampler: posterior of token ${zt} has zero mass; the denoiser gives no probability to any token consistent with z_t`);
  for (let v = 0; v < out.length; v++) out[v]! /= sum;
  return out;
}
