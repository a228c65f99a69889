// Wall-time estimates for a study before it runs: from a stored table of measured training throughput
// (benchmark config (a): 2 layers, d = 128, 4 heads, vocab 256, batch 16 × 128, on a 2-core x86 machine)
// converted to FLOP/s over all training FLOPs per token (Method 1 M plus the embedding and output
// matmuls, 12·V·d, plus the vocabulary-sized elementwise work per token, below) — it ignores per-step
// and per-run overhead, so tiny models take somewhat longer than it says — and, once
// a study has finished runs, from a per-step + per-FLOP cost fitted on them.
import { branchSteps, trainedTokens, type RunConfig } from './run-config.js';

export interface BackendThroughput {
  readonly backend: string;
  /** Effective training FLOP/s of one run process. */
  readonly flopsPerSec: number;
  readonly source: string;
}

/**
 * Per-token work that does not shrink with the model: softmax, diffusion loss and their gradients over
 * the [B, N, V] logits, kernel launches and host work, as matmul-FLOP equivalents per vocabulary entry. At
 * d ≤ 64 it dominates: on the native backend the quick preset's runs (d = 12…56, N = 64, batch 16) train at
 * 40–55k tokens/s per process whatever their width, where matmul FLOPs alone predict several times that.
 */
const VOCAB_WORK_PER_ENTRY = 6000;
const CONFIG_A_FLOPS_PER_TOKEN = 3.17e6 + VOCAB_WORK_PER_ENTRY * 256; // M = 2.77e6 (SPEC §3 Method 1, N = 128) + 12·256·128 + vocabulary work

/** Stored measurements (tokens/s on config (a)). */
export const STORED_THROUGHPUT: readonly BackendThroughput[] = [
  { backend: 'wasm', flopsPerSec: 3900 * CONFIG_A_FLOPS_PER_TOKEN, source: 'stored: 3.9k tokens/s on bench config (a), tfjs wasm SIMD, 1 thread' },
  { backend: 'cpu', flopsPerSec: 300 * CONFIG_A_FLOPS_PER_TOKEN, source: 'stored: 300 tokens/s on bench config (a), tfjs cpu' },
  { backend: 'native', flopsPerSec: 24000 * CONFIG_A_FLOPS_PER_TOKEN, source: 'stored: 24k tokens/s on bench config (a), native OpenBLAS kernels' },
];

/** Vocabulary size a tokenizer name implies (byte: 256 bytes + specials; the paper's BPE: 2^17). */
export function vocabSizeOf(tokenizer: string): number {
  return tokenizer === 'byte' ? 260 : 131072;
}

/** All training work per token of a run in FLOP equivalents: embedding and output matmuls and the vocabulary-sized elementwise work included (used for time only). */
export function trainingFlopsPerToken(c: RunConfig): number {
  const v = vocabSizeOf(c.data.tokenizer);
  return c.flopsPerToken + 12 * v * c.model.width + VOCAB_WORK_PER_ENTRY * v;
}

/**
 * Token-forwards of a run's held-out evaluations (batches × batch × N × λ levels each): the final one, and one per
 * earlier read (a cooldown branch's, or the run's own with held-out reads).
 */
function evalTokenForwards(c: RunConfig): number {
  const e = (c.trainer.eval ?? {}) as { batches?: number; batchSize?: number | null; levels?: number };
  // The read at the run's last step is the final evaluation itself.
  const evaluations = 1 + (c.reads && c.readFrom === undefined ? c.reads.filter((r) => r.step < c.steps).length : 0);
  return evaluations * (e.batches ?? 4) * (e.batchSize ?? c.batchSequences) * c.seqLen * (e.levels ?? 16);
}

/** Seconds one run takes at a given effective FLOP/s: training (cooldown branches included), plus its evaluations at a third of a step's cost per token. */
export function estimateRunSeconds(c: RunConfig, flopsPerSec: number): number {
  return (trainingFlopsPerToken(c) * (trainedTokens(c) + evalTokenForwards(c) / 3)) / flopsPerSec;
}

/** Seconds per run ≈ secondsPerStep·steps + FLOPs/flopsPerSec, fitted on finished runs. */
export interface MeasuredCost {
  readonly secondsPerStep: number;
  readonly flopsPerSec: number;
  readonly runs: number;
}

/**
 * Fit the per-step overhead and the FLOP rate on finished runs (least squares on wall seconds, both
 * terms non-negative); undefined with fewer than 2 timed runs.
 */
export function measuredCost(runs: readonly { config: RunConfig; wallSeconds: number | null }[]): MeasuredCost | undefined {
  const rows = runs.filter((r) => r.wallSeconds !== null && r.wallSeconds > 0).map((r) => ({ s: r.config.steps + branchSteps(r.config), f: trainingFlopsPerToken(r.config) * trainedTokens(r.config), t: r.wallSeconds! }));
  if (rows.length < 2) return undefined;
  let ss = 0, sf = 0, ff = 0, st = 0, ft = 0;
  for (const { s, f, t } of rows) { ss += s * s; sf += s * f; ff += f * f; st += s * t; ft += f * t; }
  const det = ss * ff - sf * sf;
  let a = det > 0 ? (st * ff - ft * sf) / det : -1; // seconds per step
  let b = det > 0 ? (ss * ft - sf * st) / det : -1; // seconds per FLOP
  if (!(a >= 0 && b > 0)) {
    // Degenerate or negative: keep one term (whichever explains the data alone).
    a = 0;
    b = ft / ff;
  }
  return { secondsPerStep: a, flopsPerSec: 1 / b, runs: rows.length };
}

export function estimateRunSecondsMeasured(c: RunConfig, m: MeasuredCost): number {
  return m.secondsPerStep * (c.steps + branchSteps(c)) + estimateRunSeconds(c, m.flopsPerSec);
}
