// Model configuration (SPEC §3): the paper's transformer is fixed by (L, d, H) plus vocabulary and
// context length. `modelConfigForDepth` is the one size dial (width and heads follow depth, head_dim 64,
// like the paper's L8-D512 … L16-D1024 rows); `paperModelConfig` names the paper's sizes exactly.

/** Everything that determines the architecture. Constants of SPEC §3 are fields so configs are self-describing. */
export interface ModelConfig {
  readonly vocabSize: number;
  /** Maximum context N (the RoPE table length). */
  readonly seqLen: number;
  /** Width d. */
  readonly dModel: number;
  /** Depth L. */
  readonly nLayers: number;
  /** Attention heads H; d_head = d / H. */
  readonly nHeads: number;
  /** true: the autoregressive baseline (causal attention, next-token cross-entropy). */
  readonly causal: boolean;
  /** RoPE base θ (SPEC §3: 10000). */
  readonly ropeTheta: number;
  /** Attention logit soft-cap c in c·tanh(s/c) (SPEC §3: 30). */
  readonly attnSoftCap: number;
  /**
   * How initial weights are drawn from the seed: 'independent' (default; absent from a resolved config) gives each
   * parameter its own stream; 'nested' draws each entry from its coordinates (row, q/k/v block, head, column), so
   * models of different widths under one seed share their common sub-blocks — initialisations that agree across
   * widths, for studies that want a seed's noise common to every size.
   */
  readonly init?: 'independent' | 'nested';
}

/** What a caller must give; the SPEC constants default. */
export type ModelConfigInput = Pick<ModelConfig, 'vocabSize' | 'seqLen' | 'dModel' | 'nLayers' | 'nHeads'> &
  Partial<Pick<ModelConfig, 'causal' | 'ropeTheta' | 'attnSoftCap' | 'init'>>;

const KNOWN_KEYS = new Set(['vocabSize', 'seqLen', 'dModel', 'nLayers', 'nHeads', 'causal', 'ropeTheta', 'attnSoftCap', 'init']);

function positiveInt(cfg: Record<string, unknown>, key: string): number {
  const v = cfg[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new Error(`model config: ${key} must be a positive integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** Validate and complete a config; every error names the field and the fix. */
export function resolveModelConfig(input: ModelConfigInput): ModelConfig {
  if (input === null || typeof input !== 'object') throw new Error('model config: expected an object');
  const raw = input as unknown as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new Error(`model config: unknown field '${key}' (known fields: ${[...KNOWN_KEYS].join(', ')})`);
    }
  }
  const vocabSize = positiveInt(raw, 'vocabSize');
  const seqLen = positiveInt(raw, 'seqLen');
  const dModel = positiveInt(raw, 'dModel');
  const nLayers = positiveInt(raw, 'nLayers');
  const nHeads = positiveInt(raw, 'nHeads');
  if (vocabSize < 2) throw new Error(`model config: vocabSize must be at least 2, got ${vocabSize}`);
  if (dModel % nHeads !== 0) {
    throw new Error(`model config: nHeads (${nHeads}) must divide dModel (${dModel}); choose nHeads among the divisors of dModel`);
  }
  const headDim = dModel / nHeads;
  if (headDim % 2 !== 0) {
    throw new Error(`model config: head dimension dModel/nHeads = ${headDim} must be even for the RoPE half-rotation; change dModel or nHeads`);
  }
  const causal = raw.causal ?? false;
  if (typeof causal !== 'boolean') throw new Error(`model config: causal must be true or false, got ${JSON.stringify(causal)}`);
  const ropeTheta = raw.ropeTheta ?? 10000;
  if (typeof ropeTheta !== 'number' || !(ropeTheta > 1)) throw new Error(`model config: ropeTheta must be a number > 1, got ${JSON.stringify(ropeTheta)}`);
  const attnSoftCap = raw.attnSoftCap ?? 30;
  if (typeof attnSoftCap !== 'number' || !(attnSoftCap > 0)) throw new Error(`model config: attnSoftCap must be a number > 0, got ${JSON.stringify(attnSoftCap)}`);
  const init = raw.init ?? 'independent';
  if (init !== 'independent' && init !== 'nested') throw new Error(`model config: init must be "independent" or "nested", got ${JSON.stringify(init)}`);
  return { vocabSize, seqLen, dModel, nLayers, nHeads, causal, ropeTheta, attnSoftCap, ...(init === 'nested' ? { init } : {}) };
}

/** Options of the size dial that are not set by depth. */
export interface DepthOptions {
  readonly vocabSize: number;
  readonly seqLen: number;
  readonly causal?: boolean;
}

/** The size dial: depth L → d = 64·L, H = L (head_dim 64), as in the paper's L8-D512 … L16-D1024. */
export function modelConfigForDepth(depth: number, opts: DepthOptions): ModelConfig {
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`modelConfigForDepth: depth must be a positive integer, got ${depth}`);
  return resolveModelConfig({ ...opts, dModel: 64 * depth, nLayers: depth, nHeads: depth });
}

/** The paper's named sizes [P Tab. 4, §4.3]; L20-D1536 uses the run names' 24 heads (head_dim 64). */
export const PAPER_MODEL_SIZES = {
  'L8-D512': { nLayers: 8, dModel: 512, nHeads: 8 },
  'L10-D640': { nLayers: 10, dModel: 640, nHeads: 10 },
  'L12-D768': { nLayers: 12, dModel: 768, nHeads: 12 },
  'L16-D1024': { nLayers: 16, dModel: 1024, nHeads: 16 },
  'L20-D1536': { nLayers: 20, dModel: 1536, nHeads: 24 },
  'mask-3B': { nLayers: 18, dModel: 3072, nHeads: 24 },
  'unif-3B': { nLayers: 19, dModel: 3072, nHeads: 24 },
  'unif-10B': { nLayers: 34, dModel: 4608, nHeads: 36 },
} as const;

export type PaperModelName = keyof typeof PAPER_MODEL_SIZES;

/** A paper size with the paper's vocabulary (2^17) and context (2048) unless overridden. */
export function paperModelConfig(name: PaperModelName, opts: Partial<DepthOptions> = {}): ModelConfig {
  const size = PAPER_MODEL_SIZES[name];
  if (!size) throw new Error(`paperModelConfig: unknown size '${String(name)}' (known: ${Object.keys(PAPER_MODEL_SIZES).join(', ')})`);
  return resolveModelConfig({ vocabSize: 131072, seqLen: 2048, ...opts, ...size });
}
