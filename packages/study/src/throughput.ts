// Wall-time estimates for a study before it runs. The rates come from a stored table of measured
// training throughput (benchmark config (a): 2 layers, d = 128, 4 heads, vocab 256, batch 16 × 128, on a
// 2-core x86 machine), converted to FLOP/s over all training FLOPs per token (Method 1 M plus the
// embedding and output matmuls, 12·V·d), or from a rate measured on this study's finished runs.
import type { RunConfig } from './run-config.js';

export interface BackendThroughput {
  readonly backend: string;
  /** Effective training FLOP/s of one run process. */
  readonly flopsPerSec: number;
  readonly source: string;
}

const CONFIG_A_FLOPS_PER_TOKEN = 3.17e6; // M = 2.77e6 (SPEC §3 Method 1, N = 128) + 12·256·128

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

/** All training FLOPs per token of a run, including embedding and output matmuls (used for time only). */
export function trainingFlopsPerToken(c: RunConfig): number {
  return c.flopsPerToken + 12 * vocabSizeOf(c.data.tokenizer) * c.model.width;
}

/** Seconds one run takes at a given effective FLOP/s. */
export function estimateRunSeconds(c: RunConfig, flopsPerSec: number): number {
  return (trainingFlopsPerToken(c) * c.tokens) / flopsPerSec;
}

/** Effective FLOP/s measured on finished runs (Σ FLOPs / Σ wall seconds); undefined when none. */
export function measuredThroughput(runs: readonly { config: RunConfig; wallSeconds: number | null }[]): number | undefined {
  let flops = 0;
  let seconds = 0;
  for (const r of runs) {
    if (r.wallSeconds === null || !(r.wallSeconds > 0)) continue;
    flops += trainingFlopsPerToken(r.config) * r.config.tokens;
    seconds += r.wallSeconds;
  }
  return seconds > 0 ? flops / seconds : undefined;
}
