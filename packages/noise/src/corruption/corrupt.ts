// Forward corruption z ~ q_λ(x) with the paper's training augmentations (SPEC §1.3, §1.5). All draws come
// from the Rng in a fixed order, so the same seed gives the same batch on every backend (ADR 0002).
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import type { CorruptedBatch, TokenSpace } from '../objective.js';
import type { NoiseProcess } from '../noise-type.js';
import type { Rng } from '../random.js';
import { clamp, sigmoid } from '../scalar-math.js';
import { logSnrFromUniform, type LogSnrSchedule } from '../schedule/log-snr-schedule.js';
import { stratifiedUniforms } from '../schedule/stratified.js';
import { insertEmptyTokens } from './empty-tokens.js';
import { attentionFromLevels, samplePromptLength } from './prompt-conditioning.js';
import { hostValues, withHostValues } from '../host-values.js';

export interface CorruptionSettings {
  readonly schedule: LogSnrSchedule;
  /** Probability that a sequence draws an independent λ per token (SPEC §1.5: 0.5). */
  readonly pIndependent: number;
  /** Fraction of sequences with a clean prompt prefix (SPEC §1.5: 0.2). 0 switches it off. */
  readonly promptFraction: number;
  /** λ written for clean prompt tokens (SPEC §1.5: 10; unused by a model without time input). */
  readonly promptLogSnr: number;
  /** f_max of empty-token insertion (SPEC §1.5: 0.2). 0 or tokens.padId = null switches it off. */
  readonly maxEmptyFraction: number;
  /** Low-discrepancy λ sampling (default true). */
  readonly stratified: boolean;
}

/** Draw z ~ q_λ(x) for one token; `keepU` (default a fresh draw) is the uniform that decides whether x is kept. */
export function sampleToken(process: NoiseProcess, x: number, logSnr: number, range: readonly [number, number], coeff: Float64Array, rng: Rng, keepU?: number): number {
  if ((keepU ?? rng.uniform()) < sigmoid(clamp(logSnr, range[0], range[1]))) return x;
  process.coefficients(logSnr, coeff);
  return sampleReplacement(process, coeff, rng);
}

/** A replacement token: a base picked with the mixing coefficients `coeff`, then a draw from it. */
function sampleReplacement(process: NoiseProcess, coeff: Float64Array, rng: Rng): number {
  let u = rng.uniform(), k = 0;
  while (k < coeff.length - 1 && u >= coeff[k]!) { u -= coeff[k]!; k++; }
  return process.bases[k]!.sample(rng);
}

/**
 * sampleToken for many tokens, with σ(clamp(λ)) and the mixing coefficients kept for the last λ seen (a sequence
 * shares one λ unless it draws one per token): the same arithmetic and the same draws, in the same order.
 */
function tokenSampler(process: NoiseProcess, range: readonly [number, number]): (x: number, logSnr: number, rng: Rng, keepU?: number) => number {
  const coeff = new Float64Array(process.bases.length);
  let keepAt = NaN, keep = 0, coeffAt = NaN;
  return (x, logSnr, rng, keepU) => {
    if (logSnr !== keepAt) { keep = sigmoid(clamp(logSnr, range[0], range[1])); keepAt = logSnr; }
    if ((keepU ?? rng.uniform()) < keep) return x;
    if (logSnr !== coeffAt) { process.coefficients(logSnr, coeff); coeffAt = logSnr; }
    return sampleReplacement(process, coeff, rng);
  };
}

function makeBatch(x0: Int32Array, zt: Int32Array, logSnr: Float32Array, noiseMask: Float32Array, attention: Float32Array | null, B: number, N: number): CorruptedBatch {
  const tensors = {
    x0: withHostValues(tf.tensor2d(x0, [B, N], 'int32'), x0),
    zt: withHostValues(tf.tensor2d(zt, [B, N], 'int32'), zt),
    logSnr: withHostValues(tf.tensor2d(logSnr, [B, N]), logSnr),
    noiseMask: tf.tensor2d(noiseMask, [B, N]),
    attentionMask: attention ? tf.tensor3d(attention, [B, N, N]) : null,
  };
  return { ...tensors, dispose: () => { tf.dispose([tensors.x0, tensors.zt, tensors.logSnr, tensors.noiseMask]); tensors.attentionMask?.dispose(); } };
}

function readTokens(x: Tensor2D, tokens: TokenSpace): { data: Int32Array; B: number; N: number } {
  if (x.rank !== 2) throw new Error(`corrupt: x must be int32 [B, N], got rank ${x.rank}`);
  const [B, N] = x.shape;
  const data = Int32Array.from(hostValues(x));
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!(v >= 0 && v < tokens.vocabSize)) throw new Error(`corrupt: token id ${v} at index ${i} is outside [0, vocabSize=${tokens.vocabSize})`);
  }
  return { data, B, N };
}

/**
 * Fisher–Yates shuffle. Stratified draws u_j = (j/N + U) mod 1 rise with the position j, so without it a
 * per-token-λ sequence would get a positional noise ramp (the [E] `noise_p_linear` variant) instead of the
 * independent per-token λ of SPEC §1.5 ([E] draws them i.i.d.); shuffled, the N draws still cover [0, 1)
 * evenly but are exchangeable across positions.
 */
function shuffleInPlace(a: Float64Array, rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i]!; a[i] = a[j]!; a[j] = t;
  }
}

/** The training corruption of SPEC §1.5. */
export function corruptBatch(process: NoiseProcess, tokens: TokenSpace, s: CorruptionSettings, x: Tensor2D, rng: Rng): CorruptedBatch {
  const { data: x0, B, N } = readTokens(x, tokens);
  if (tokens.padId !== null && s.maxEmptyFraction > 0) insertEmptyTokens(x0, B, N, tokens.padId, s.maxEmptyFraction, rng);
  const range = [s.schedule.minLogSnr, s.schedule.maxLogSnr] as const;
  const seqU = s.stratified ? stratifiedUniforms(B, rng) : Float64Array.from({ length: B }, () => rng.uniform());
  const logSnr = new Float32Array(B * N), noiseMask = new Float32Array(B * N), zt = new Int32Array(B * N);
  const sample = tokenSampler(process, range);
  const tokU = new Float64Array(N);
  for (let b = 0; b < B; b++) {
    const independent = rng.uniform() < s.pIndependent;
    const prompt = s.promptFraction > 0 ? samplePromptLength(N, s.promptFraction, rng) : 0;
    if (independent) { if (s.stratified) shuffleInPlace(stratifiedUniforms(N, rng, tokU), rng); else rng.fill(tokU); }
    const shared = logSnrFromUniform(s.schedule, seqU[b]!);
    for (let j = 0; j < N; j++) {
      const i = b * N + j;
      if (j < prompt) { logSnr[i] = s.promptLogSnr; zt[i] = x0[i]!; continue; }
      const l = independent ? logSnrFromUniform(s.schedule, tokU[j]!) : shared;
      logSnr[i] = l;
      noiseMask[i] = 1;
      zt[i] = sample(x0[i]!, l, rng);
    }
  }
  const attention = s.promptFraction > 0 ? attentionFromLevels(noiseMask, B, N) : null;
  return makeBatch(x0, zt, logSnr, noiseMask, attention, B, N);
}

/** Corrupt at one fixed λ with no augmentation (evaluation on a λ grid, SPEC §2.3). */
/**
 * Corrupt at one fixed λ with no augmentation (evaluation on a λ grid, SPEC §2.3). With `stratified` (the
 * objective's setting, default true) the keep-or-replace uniforms of each sequence are stratified over its N
 * positions and shuffled: every token is still kept with probability σ(λ), but the number kept per sequence no
 * longer fluctuates binomially, which removes that part of the ELBO estimate's variance.
 */
export function corruptAtLogSnr(process: NoiseProcess, tokens: TokenSpace, schedule: LogSnrSchedule, x: Tensor2D, logSnr: number, rng: Rng, stratified = false): CorruptedBatch {
  if (!Number.isFinite(logSnr)) throw new Error(`corruptAt: logSnr must be a finite number, got ${logSnr}`);
  const { data: x0, B, N } = readTokens(x, tokens);
  const range = [schedule.minLogSnr, schedule.maxLogSnr] as const;
  const sample = tokenSampler(process, range);
  const zt = new Int32Array(B * N);
  const keepU = new Float64Array(N);
  for (let b = 0; b < B; b++) {
    if (stratified) shuffleInPlace(stratifiedUniforms(N, rng, keepU), rng);
    for (let j = 0; j < N; j++) zt[b * N + j] = sample(x0[b * N + j]!, logSnr, rng, stratified ? keepU[j] : undefined);
  }
  return makeBatch(x0, zt, new Float32Array(B * N).fill(logSnr), new Float32Array(B * N).fill(1), null, B, N);
}
