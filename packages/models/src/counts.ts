// Parameter and FLOP counts (SPEC §3, [E-nb notebooks/utils.py]). Two parameter counts on purpose:
// the paper's formula (its tables use it; it counts the MLP biases twice) and the exact count of the
// model this package builds.
import type { ModelConfig } from './config.js';

type Dims = Pick<ModelConfig, 'nLayers' | 'dModel'>;

/** The paper's non-embedding count P = L(12d² + 14d) + d (SPEC §3; 25,223,680 for L8-D512). */
export function paperParamCount({ nLayers: L, dModel: d }: Dims): number {
  return L * (12 * d * d + 14 * d) + d;
}

/**
 * Exact non-embedding parameters of the built model: per layer q,k,v,o 4d², up 4d²+4d, down 4d²+d,
 * two pre-norms 2d, QK-norm 2d, attention sinks 2d; plus the final norm d.
 */
export function exactNonEmbeddingParamCount({ nLayers: L, dModel: d }: Dims): number {
  return L * (12 * d * d + 11 * d) + d;
}

/** Exact total parameters of the built model: non-embedding + embedding V·d + untied lm_head V·d. */
export function exactParamCount(config: Pick<ModelConfig, 'nLayers' | 'dModel' | 'vocabSize'>): number {
  return exactNonEmbeddingParamCount(config) + 2 * config.vocabSize * config.dModel;
}

/** Which FLOPs-per-token method (SPEC §3): method1 = 6P + 12·L·d·N, method2 = 6P. */
export type FlopsMethod = 'method1' | 'method2';

export interface FlopsOptions {
  readonly method?: FlopsMethod;
  /** Context N for the attention term (defaults to config.seqLen). */
  readonly seqLen?: number;
  /** Non-embedding P (defaults to the paper's formula, as in its scaling fits). */
  readonly params?: number;
}

/** Non-embedding training FLOPs per token (SPEC §3); embedding FLOPs are excluded by design. */
export function flopsPerToken(config: Pick<ModelConfig, 'nLayers' | 'dModel' | 'seqLen'>, opts: FlopsOptions = {}): number {
  const P = opts.params ?? paperParamCount(config);
  const N = opts.seqLen ?? config.seqLen;
  const method = opts.method ?? 'method1';
  if (method === 'method2') return 6 * P;
  if (method === 'method1') return 6 * P + 12 * config.nLayers * config.dModel * N;
  throw new Error(`flopsPerToken: method must be 'method1' or 'method2', got ${JSON.stringify(method)}`);
}

/** The notebooks' Method 1 variant M = 72·L·d² + 12·L·d·N, which reproduces the M column of [P Tab. 4]. */
export function notebookFlopsPerToken({ nLayers: L, dModel: d, seqLen: N }: Pick<ModelConfig, 'nLayers' | 'dModel' | 'seqLen'>): number {
  return 72 * L * d * d + 12 * L * d * N;
}
