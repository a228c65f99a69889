// The per-token math of SPEC §1.2–§1.4 in plain float64 JavaScript. The tensor loss computes its
// per-token weights with these same functions (so weights have one implementation); the V-dimensional
// KL/IS terms exist twice — here (the float64 reference) and in loss/diffusion-loss.ts (tensors) — and
// the tests check that the two agree.
import type { LossWeighting, NoiseProcess } from './noise-type.js';
import { clamp, sigmoid } from './scalar-math.js';
import type { LogSnrSchedule } from './schedule/log-snr-schedule.js';
import { createLossWeightingRegistry } from './loss/weighting/loss-weighting-registry.js';
import type { LossWeight } from './loss/weighting/loss-weighting-type.js';

/** Mixing coefficients c_k(λ) and dc_k/dλ of a process at one λ. */
export function mixingAt(process: NoiseProcess, logSnr: number): { c: Float64Array; dc: Float64Array } {
  const K = process.bases.length;
  const c = new Float64Array(K), dc = new Float64Array(K);
  process.coefficients(logSnr, c);
  process.dCoefficients(logSnr, dc);
  return { c, dc };
}

/** Σ_k w_k·base_k[id]. */
export function mixAt(process: NoiseProcess, weights: Float64Array, id: number): number {
  let s = 0;
  for (let k = 0; k < weights.length; k++) s += weights[k]! * process.bases[k]!.probs[id]!;
  return s;
}

/** π_λ as a full vector (length V). */
export function piVector(process: NoiseProcess, logSnr: number): Float64Array {
  const { c } = mixingAt(process, logSnr);
  const out = new Float64Array(process.vocabSize);
  process.bases.forEach((base, k) => { const ck = c[k]!; if (ck !== 0) for (let v = 0; v < out.length; v++) out[v]! += ck * base.probs[v]!; });
  return out;
}

/** dπ_λ/dλ as a full vector (length V). */
export function dPiVector(process: NoiseProcess, logSnr: number): Float64Array {
  const { dc } = mixingAt(process, logSnr);
  const out = new Float64Array(process.vocabSize);
  process.bases.forEach((base, k) => { const d = dc[k]!; if (d !== 0) for (let v = 0; v < out.length; v++) out[v]! += d * base.probs[v]!; });
  return out;
}

/**
 * α = σ(λ) with λ clipped to the schedule's range first, as [E] `alpha_from_log_snr` does; π and the
 * weights use the unclipped λ (fixtures README D1). Training never leaves the range.
 */
export function alphaAt(logSnr: number, range: readonly [number, number]): number {
  return sigmoid(clamp(logSnr, range[0], range[1]));
}

/** The marginal q_λ(·|x) = σ(λ)·onehot(x) + σ(−λ)·π_λ (SPEC §1.2). */
export function marginalVector(process: NoiseProcess, logSnr: number, x: number, range: readonly [number, number]): Float64Array {
  const l = clamp(logSnr, range[0], range[1]);
  const alpha = sigmoid(l), beta = sigmoid(-l);
  const pi = piVector(process, logSnr);
  for (let v = 0; v < pi.length; v++) pi[v] = beta * pi[v]!;
  pi[x]! += alpha;
  return pi;
}

/**
 * The GIDD training weight in log-SNR form (SPEC §1.2, [E] `get_loss_weights`):
 *   w(z) = (π_λ(z) − π'_λ(z)) / (π_λ(z) + e^λ·[z = x]).
 * [E] floors the denominator at 1e−8 (a float32 guard); here the math is float64, so the default floor
 * only prevents 0/0 (where the numerator is 0 too, e.g. an off-support token under masking). Pass
 * denominatorFloor = 1e−8 to reproduce [E] bit-for-bit; it matters only when 0 < π(z) < 1e−8.
 */
export function giddWeight(process: NoiseProcess, logSnr: number, x: number, z: number, denominatorFloor = 0): number {
  const { c, dc } = mixingAt(process, logSnr);
  const pi = mixAt(process, c, z), dPi = mixAt(process, dc, z);
  const den = Math.max(pi + (z === x ? Math.exp(logSnr) : 0), denominatorFloor);
  if (den === 0) return 0; // z is off the support of q_λ(x): it never occurs, weight 0
  return (pi - dPi) / den;
}

/** Settings of the per-token weights (SPEC §1.4, §1.6). */
export interface WeightSettings {
  readonly schedule: LogSnrSchedule;
  /** The surrogate weighting: a built weighting (createObjective builds it from the registry), or a built-in's id. */
  readonly weighting: LossWeight | LossWeighting;
  /** Clip of the 'unweighted-elbo' surrogate weight (SPEC §1.4: 1e3). */
  readonly lossWeightClip: number;
  /** Clip of the ELBO weight w/p(λ) (SPEC §1.4: 1e6). */
  readonly elboWeightClip: number;
  /** [min, max] for 'clip' and 'dynamic' (SPEC §1.6: [0, 2]). */
  readonly lossWeightRange: readonly [number, number];
  readonly denominatorFloor: number;
}

const builtinWeightings = createLossWeightingRegistry();
const builtByName = new WeakMap<WeightSettings, WeakMap<NoiseProcess, LossWeight>>();

/** The settings' weighting, built (a built-in named by id is built once per settings object and process). */
function weightingOf(process: NoiseProcess, s: WeightSettings): LossWeight {
  if (typeof s.weighting !== 'string') return s.weighting;
  let perProcess = builtByName.get(s);
  if (!perProcess) builtByName.set(s, (perProcess = new WeakMap()));
  let built = perProcess.get(process);
  if (!built) {
    built = builtinWeightings.create({ id: s.weighting }, { process, lossWeightClip: s.lossWeightClip, elboWeightClip: s.elboWeightClip, lossWeightRange: s.lossWeightRange });
    perProcess.set(process, built);
  }
  return built;
}

/** Surrogate and ELBO weight of one token. */
export function tokenWeights(process: NoiseProcess, s: WeightSettings, logSnr: number, x: number, z: number, maskId: number | null): { loss: number; elbo: number } {
  const w = giddWeight(process, logSnr, x, z, s.denominatorFloor);
  // p(λ) floored at 1e−12 as [E] `get_elbo_weights` does (fixtures README D2); it only binds far outside [−9, 9].
  const rawElbo = w / Math.max(s.schedule.density(logSnr), 1e-12);
  const elbo = clamp(rawElbo, 0, s.elboWeightClip);
  const loss = weightingOf(process, s).weight({ logSnr, isClean: z === x, isMask: z === maskId, w, elboWeight: rawElbo });
  return { loss, elbo };
}

/** log(tiny) for float64: the floor of [E] `safe_log` (SPEC §1.4) so 0·log 0 terms stay 0. */
const LOG_TINY_F64 = Math.log(2.2250738585072014e-308);

/** x̂ = softmax(logits) with the mask logit forced to −1e6 (SPEC §1.1). */
export function denoisedProbs(logits: ArrayLike<number>, maskId: number | null): Float64Array {
  const V = logits.length;
  const out = new Float64Array(V);
  let max = -Infinity;
  for (let v = 0; v < V; v++) { const l = v === maskId ? -1e6 : logits[v]!; out[v] = l; if (l > max) max = l; }
  let sum = 0;
  for (let v = 0; v < V; v++) { const e = Math.exp(out[v]! - max); out[v] = e; sum += e; }
  for (let v = 0; v < V; v++) out[v]! /= sum;
  return out;
}

/**
 * KL(q_λ(x) ‖ q_λ(x̂)) over the full vocabulary and D_IS at z (SPEC §1.1, §1.4), in float64:
 * IS ratio = q_z/(p_z + 1e−12) as in [E] `loss.py` (fixtures README D3), log-ratio without epsilon.
 */
export function klAndIs(process: NoiseProcess, logSnr: number, logits: ArrayLike<number>, x: number, z: number, maskId: number | null, range: readonly [number, number], isEpsilon = 1e-12): { kl: number; is: number } {
  const q = marginalVector(process, logSnr, x, range);
  const xhat = denoisedProbs(logits, maskId);
  const alpha = alphaAt(logSnr, range);
  const beta = sigmoid(-clamp(logSnr, range[0], range[1]));
  const pi = piVector(process, logSnr);
  let kl = 0;
  let logQz = 0, logPz = 0;
  for (let v = 0; v < q.length; v++) {
    const p = alpha * xhat[v]! + beta * pi[v]!;
    const lq = q[v]! > 0 ? Math.log(q[v]!) : LOG_TINY_F64;
    const lp = p > 0 ? Math.log(p) : LOG_TINY_F64;
    kl += q[v]! * (lq - lp);
    if (v === z) { logQz = lq; logPz = lp; }
  }
  const ratio = Math.exp(logQz) / (Math.exp(logPz) + isEpsilon); // SPEC §1.4: [E]'s IS ratio epsilon 1e−12
  return { kl, is: ratio - (logQz - logPz) - 1 };
}
