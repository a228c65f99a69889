// Likelihood scoring of completions given prompts (SPEC §2.3, the authors' `likelihood.py`): −log p(completion |
// prompt) in nats, summed over the completion's tokens. The autoregressive baseline gives it exactly; a diffusion
// model gives its ELBO (an upper bound): the prompt stays clean, the completion is noised at each level of a λ grid
// (one or more draws per level), the positions after it hold prior samples and do not count, and the per-token terms
// are summed over the completion and averaged over the grid with its quadrature weights.
//
// Every item's noise draws come from a generator seeded by the run's seed and the item's prompt alone, so an item
// scores the same wherever it stands in a list, and the choices of one prompt share their draws (common random
// numbers: their differences carry less noise than their scores).
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import { createRng, hostValues, isNoiseObjective, type CorruptedBatch, type DiffusionObjective, type Rng } from '@difflm/noise';
import { attentionFromLevels } from '@difflm/noise';
import { elboGrid, type ElboGrid } from './elbo-grid.js';
import type { TrainableModel } from './model-port.js';

/** One completion to score after its prompt (token ids). */
export interface CompletionToScore {
  readonly prompt: ArrayLike<number>;
  readonly completion: ArrayLike<number>;
}

export interface ScoreCompletionsOptions {
  /** The model's sequence length; a prompt longer than seqLen − completion keeps its last tokens. */
  readonly seqLen: number;
  readonly seed: number;
  /** λ levels of the grid (diffusion; default 128, SPEC §2.3). */
  readonly levels?: number;
  /** Noise draws per level (diffusion; default 1). */
  readonly draws?: number;
  /** Token written after the completion (the AR model never sees it; diffusion replaces it by prior samples). */
  readonly fillToken?: number;
  /** Logits one diffusion scoring pass may hold (default 2^24, 64 MB); the scores do not depend on it. */
  readonly passLogits?: number;
  /**
   * Diffusion: weight each noised copy by its effective log-SNR instead of its level's, λ_eff = logit(fraction of the
   * completion's tokens the draw left equal to their label), clipped to the grid's λ range — the authors' lm-eval
   * default (SPEC §2.3), not the paper's ELBO. Default false.
   */
  readonly effectiveSnr?: boolean;
}

/** λ_eff of one noised completion (SPEC §2.3): logit of the fraction of its tokens equal to their labels, clipped. */
export function effectiveLogSnr(x0: ArrayLike<number>, zt: ArrayLike<number>, from: number, to: number, range: readonly [number, number]): number {
  let same = 0;
  for (let j = from; j < to; j++) if (zt[j] === x0[j]) same++;
  const frac = same / (to - from);
  const lambda = frac <= 0 ? -Infinity : frac >= 1 ? Infinity : Math.log(frac / (1 - frac));
  return Math.min(range[1], Math.max(range[0], lambda));
}

/** One item laid out in a row of seqLen tokens: prompt (left-truncated), completion, fill. */
export interface LaidOut { readonly row: Int32Array; readonly promptLength: number; readonly completionLength: number }

export function layOut(item: CompletionToScore, seqLen: number, fillToken: number): LaidOut {
  const c = item.completion.length;
  if (c < 1) throw new Error('score: a completion needs at least one token');
  if (c > seqLen - 1) throw new Error(`score: a completion of ${c} tokens does not fit the model's ${seqLen} positions with at least one prompt token`);
  const keep = Math.min(item.prompt.length, seqLen - c);
  const row = new Int32Array(seqLen).fill(fillToken);
  for (let i = 0; i < keep; i++) row[i] = item.prompt[item.prompt.length - keep + i]!;
  for (let i = 0; i < c; i++) row[keep + i] = item.completion[i]!;
  return { row, promptLength: keep, completionLength: c };
}

/** A generator seeded by the run's seed and the prompt's tokens (FNV-1a): the same for every choice of a prompt. */
export function promptRng(seed: number, prompt: ArrayLike<number>): Rng {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < prompt.length; i++) h = Math.imul(h ^ (prompt[i]! & 0xffffffff), 0x01000193) >>> 0;
  return createRng(h);
}

/** Exact −log p(completion | prompt) of a causal model, batched. */
export async function scoreCompletionsAutoregressive(model: TrainableModel, items: readonly CompletionToScore[], o: ScoreCompletionsOptions): Promise<Float64Array> {
  const N = o.seqLen, V = model.shape.vocabSize;
  // The first completion token is predicted from the token before it: there must be one (a document separator will do).
  items.forEach((it, i) => { if (it.prompt.length === 0) throw new Error(`score: item ${i} has an empty prompt; an autoregressive score needs at least one prompt token (put EOS before the completion)`); });
  const out = new Float64Array(items.length);
  const rowsPerPass = Math.max(1, Math.min(64, Math.floor((1 << 22) / (N * V))));
  for (let i0 = 0; i0 < items.length; i0 += rowsPerPass) {
    const chunk = items.slice(i0, i0 + rowsPerPass).map((it) => layOut(it, N, o.fillToken ?? 0));
    const ids = new Int32Array(chunk.length * N);
    chunk.forEach((l, r) => ids.set(l.row, r * N));
    const logpT = tf.tidy(() => tf.logSoftmax(model.apply(tf.tensor2d(ids, [chunk.length, N], 'int32'))));
    const logp = await logpT.data(); // read asynchronously: a GPU backend cannot read synchronously
    logpT.dispose();
    chunk.forEach((l, r) => {
      let nats = 0;
      // Position j − 1 predicts token j.
      for (let j = l.promptLength; j < l.promptLength + l.completionLength; j++) nats -= logp[(r * N + j - 1) * V + ids[r * N + j]!]!;
      out[i0 + r] = nats;
    });
  }
  return out;
}

/** Logits (float32) one scoring pass may hold, 64 MB, as the held-out evaluation (diffusion-objective.ts). */
const PASS_LOGITS = 1 << 24;

/** The λ level given to the positions after the completion: the prior end of the range (SPEC §1.2, §2.1). */
const PRIOR_LOGSNR = -9;

/** The ELBO of each completion given its prompt, in nats (an upper bound on −log p). */
export async function scoreCompletionsDiffusion(model: TrainableModel, noise: DiffusionObjective, items: readonly CompletionToScore[], o: ScoreCompletionsOptions & { readonly grid?: ElboGrid }): Promise<Float64Array> {
  const N = o.seqLen;
  const grid = o.grid ?? elboGrid({ levels: o.levels ?? 128 });
  const draws = o.draws ?? 1;
  if (!Number.isInteger(draws) || draws < 1) throw new Error(`score: draws must be a positive integer, got ${draws}`);
  const K = grid.logSnr.length, R = K * draws;
  const out = new Float64Array(items.length);
  for (const [index, item] of items.entries()) {
    const l = layOut(item, N, o.fillToken ?? 0);
    const rng = promptRng(o.seed, Array.from(l.row.subarray(0, l.promptLength)));
    const x = tf.tensor2d(Array.from({ length: R }, () => Array.from(l.row)), [R, N], 'int32');
    // Levels: the prompt 0 (clean), the completion and what follows 1; the attention rule of prompt conditioning.
    const levels = new Float32Array(R * N);
    const counted = new Float32Array(R * N);
    for (let r = 0; r < R; r++) {
      for (let j = l.promptLength; j < N; j++) levels[r * N + j] = 1;
      for (let j = l.promptLength; j < l.promptLength + l.completionLength; j++) counted[r * N + j] = 1;
    }
    const prior = noise.corruptAt(x, PRIOR_LOGSNR, rng);
    const priorIds = hostValues(prior.zt);
    // One corrupted copy per (level, draw), in level order; the rows then mix prompt, noised completion and prior.
    const zt = new Int32Array(R * N);
    const logSnr = new Float32Array(R * N);
    const copies = tf.slice(x, [0, 0], [draws, N]) as Tensor2D;
    const range: [number, number] = [Math.min(...grid.logSnr), Math.max(...grid.logSnr)];
    for (let k = 0; k < K; k++) {
      const b = noise.corruptAt(copies, grid.logSnr[k]!, rng);
      const z = hostValues(b.zt);
      for (let d = 0; d < draws; d++) {
        const r = k * draws + d;
        for (let j = 0; j < N; j++) {
          const at = r * N + j;
          zt[at] = j < l.promptLength ? l.row[j]! : j < l.promptLength + l.completionLength ? z[d * N + j]! : priorIds[at]!;
          logSnr[at] = grid.logSnr[k]!;
        }
        if (o.effectiveSnr) {
          const end = l.promptLength + l.completionLength;
          const eff = effectiveLogSnr(l.row, zt.subarray(r * N, (r + 1) * N), l.promptLength, end, range);
          for (let j = l.promptLength; j < end; j++) logSnr[r * N + j] = eff;
        }
      }
      b.dispose();
    }
    copies.dispose();
    prior.dispose();
    // Every row has the same levels, so one row's N×N attention rule serves them all.
    const rule = attentionFromLevels(levels.subarray(0, N), 1, N);
    const perPass = Math.max(1, Math.min(R, Math.floor((o.passLogits ?? PASS_LOGITS) / (N * Math.max(N, model.shape.vocabSize)))));
    const mask = new Float32Array(perPass * N * N);
    for (let r = 0; r * N * N < mask.length; r++) mask.set(rule, r * N * N);
    const batch = { x0: x, zt: tf.tensor2d(zt, [R, N], 'int32'), logSnr: tf.tensor2d(logSnr, [R, N]), noiseMask: tf.tensor2d(counted, [R, N]) };
    // Forward passes of at most PASS_LOGITS logits (and their attention masks), as the held-out evaluation does.
    const perRow = new Float32Array(R);
    for (let r0 = 0; r0 < R; r0 += perPass) {
      const rows = Math.min(perPass, R - r0);
      const rowNats = tf.tidy((): tf.Tensor1D => {
        const part = (t: tf.Tensor2D): tf.Tensor2D => tf.slice(t, [r0, 0], [rows, N]);
        const chunk: CorruptedBatch = {
          x0: part(batch.x0), zt: part(batch.zt), logSnr: part(batch.logSnr), noiseMask: part(batch.noiseMask),
          attentionMask: tf.tensor3d(mask.subarray(0, rows * N * N), [rows, N, N]), dispose() {},
        };
        const logits = model.apply(chunk.zt, chunk.attentionMask);
        if (isNoiseObjective(noise)) return tf.sum(tf.mul(noise.tokenTerms(logits, chunk).elbo, chunk.noiseMask), 1) as tf.Tensor1D;
        // A plug-in objective without per-token terms: its loss one row at a time (ELBO per counted token × count).
        return tf.stack(Array.from({ length: rows }, (_, r) => {
          const row = (t: tf.Tensor2D): tf.Tensor2D => tf.slice(t, [r, 0], [1, N]);
          const one: CorruptedBatch = { x0: row(chunk.x0), zt: row(chunk.zt), logSnr: row(chunk.logSnr), noiseMask: row(chunk.noiseMask), attentionMask: tf.slice(chunk.attentionMask!, [r, 0, 0], [1, N, N]), dispose() {} };
          const loss = noise.loss(tf.slice(logits, [r, 0, 0], [1, N, logits.shape[2]]), one);
          return tf.mul(loss.elbo, loss.numNoisy);
        })) as tf.Tensor1D;
      });
      perRow.set(await rowNats.data(), r0); // read asynchronously: a GPU backend cannot read synchronously
      rowNats.dispose();
    }
    tf.dispose([batch.zt, batch.logSnr, batch.noiseMask, x]);
    let nats = 0;
    for (let k = 0; k < K; k++) {
      let m = 0;
      for (let d = 0; d < draws; d++) m += perRow[k * draws + d]!;
      nats += grid.weights[k]! * (m / draws);
    }
    out[index] = nats;
  }
  return out;
}
