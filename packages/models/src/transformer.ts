// The paper's transformer (SPEC §3): pre-norm blocks h ← h + (4/L)·Attn(RMSNorm(h)),
// h ← h + (4/L)·MLP(RMSNorm(h)), final RMSNorm, logits = (512/d)·h·W_outᵀ, untied embeddings, no time
// conditioning, CompleteP initialisation. `causal: true` gives the autoregressive baseline.
// Structurally a TrainableModel of @difflm/trainer (params with CompleteP groups, apply, flopsPerToken).
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D, Tensor3D, Tensor4D, Variable } from '@tensorflow/tfjs-core';
import { attention, attentionBias, type AttentionParams } from './attention.js';
import { attentionAfterPrefix, causalBiasAfterPrefix, type LayerKeysValues } from './prefix-attention.js';
import { resolveModelConfig, type ModelConfig, type ModelConfigInput } from './config.js';
import { exactParamCount, flopsPerToken } from './counts.js';
import { embed } from './embedding.js';
import { matMul } from './matmul.js';
import { biasSquaredRelu } from './squared-relu.js';
import { rmsNorm } from './rms-norm.js';
import { ropeTables, type RopeTables } from './rope.js';
import { parameterLayout, type ParamSpec } from './parameter-layout.js';
import { nestedNormal, seededNormal } from './seeded-normal.js';

/** CompleteP parameter groups (SPEC §4): bulk matrices get η/d, aux parameters 0.02·η. */
export type ParamGroup = 'bulk' | 'aux';

export interface NamedVariable {
  readonly name: string;
  readonly group: ParamGroup;
  readonly variable: Variable;
}

export interface Transformer {
  readonly config: ModelConfig;
  readonly shape: Pick<ModelConfig, 'vocabSize' | 'seqLen' | 'dModel' | 'nLayers' | 'nHeads' | 'causal'>;
  /** Every variable, in the stable order of `parameterLayout(config)`. */
  readonly params: readonly NamedVariable[];
  /**
   * Logits for tokens (int32 [B, N], N ≤ seqLen) → float32 [B, N, V]. attentionMask (float32 [B, N, N],
   * 1 = may attend) is combined with the causal rule when the model is causal. Inputs are borrowed; the
   * output belongs to the caller. Differentiable w.r.t. params (inside tf.variableGrads).
   */
  apply(tokens: Tensor2D, attentionMask?: Tensor3D | null): Tensor3D;
  /**
   * Keys and values, every layer, of a clean prefix int32 [B, P] (1 ≤ P < seqLen) attending to itself alone (the
   * causal rule too when the model is causal). Block-wise sampling computes them once per block and reuses them at
   * every denoising step through `applyAfterPrefix`. The cache belongs to the caller (dispose it). Not differentiable.
   */
  encodePrefix(tokens: Tensor2D): PrefixCache;
  /**
   * Logits [B, M, V] of `tokens` int32 [B, M] placed right after the cached prefix (positions P…P+M−1), each attending
   * to the whole prefix and to the block (causally when the model is causal): the same logits as `apply` of the
   * concatenated sequence with that attention rule, for M positions' work instead of P+M. Output owned by the caller.
   */
  applyAfterPrefix(cache: PrefixCache, tokens: Tensor2D): Tensor3D;
  /** Non-embedding training FLOPs per token, SPEC §3 Method 1 at the configured context. */
  flopsPerToken(): number;
  /** Exact number of parameters (embeddings included). */
  paramCount(): number;
  dispose(): void;
}

/** A clean prefix's keys and values for `Transformer.applyAfterPrefix`. */
export interface PrefixCache {
  readonly batch: number;
  /** Prefix positions P. */
  readonly length: number;
  /** Per layer: rotated keys and values [B, H, P, d_head]. */
  readonly layers: readonly LayerKeysValues[];
  dispose(): void;
}

export interface CreateTransformerOptions {
  /** Seed of the initial weights; the same seed gives identical weights on every backend. */
  readonly seed: number;
}

/** CompleteP initial values (SPEC §3): bulk N(0,(0.4/√d)²), embedding N(0,0.02²), lm_head and norms/biases 0. */
function completePInit(config: ModelConfig, seed: number): (spec: ParamSpec) => Float32Array {
  return (spec) => {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const std = spec.init === 'bulk' ? 0.4 / Math.sqrt(config.dModel) : spec.init === 'embedding' ? 0.02 : 0;
    if (std === 0) return new Float32Array(size);
    return config.init === 'nested' ? nestedNormal(seed, spec.name, size, std, nestedCoords(config, spec)) : seededNormal(seed, spec.name, size, std);
  };
}

/**
 * Width-independent coordinates of a matrix entry, so a narrower model's entries are a sub-block of a wider one's:
 * (row, column) in general; a q/k/v or head-concatenated axis splits into (block, head, index in head), since the
 * same head of two widths holds different column ranges.
 */
function nestedCoords(config: ModelConfig, spec: ParamSpec): (i: number) => number[] {
  const cols = spec.shape.length === 2 ? spec.shape[1]! : 1;
  const d = config.dModel, dh = d / config.nHeads;
  const headAxis = (j: number): number[] => [Math.floor(j / dh), j % dh];
  if (spec.name.endsWith('attn.wqkv')) return (i) => { const r = Math.floor(i / cols), c = i % cols; return [r, Math.floor(c / d), ...headAxis(c % d)]; };
  if (spec.name.endsWith('attn.wo')) return (i) => { const r = Math.floor(i / cols), c = i % cols; return [...headAxis(r), c]; };
  return (i) => [Math.floor(i / cols), i % cols];
}

/** Build a transformer with CompleteP initial weights. */
export function createTransformer(config: ModelConfigInput, opts: CreateTransformerOptions): Transformer {
  if (!opts || typeof opts.seed !== 'number' || !Number.isFinite(opts.seed)) {
    throw new Error(`createTransformer: opts.seed must be a finite number, got ${JSON.stringify(opts?.seed)}`);
  }
  const resolved = resolveModelConfig(config);
  return buildTransformer(resolved, completePInit(resolved, opts.seed));
}

/** Build a transformer whose parameter values come from `values(spec)` (used by deserialisation). */
export function buildTransformer(config: ModelConfig, values: (spec: ParamSpec) => Float32Array): Transformer {
  const layout = parameterLayout(config);
  const params: NamedVariable[] = layout.map((spec) => ({
    name: spec.name,
    group: spec.group,
    // Unnamed tf variables: tfjs names must be globally unique, and several models may coexist.
    variable: tf.tidy(() => tf.variable(tf.tensor(values(spec), [...spec.shape], 'float32'), true)), // the initial tensor is freed
  }));
  const byName = new Map(params.map((p) => [p.name, p.variable]));
  const v = (name: string): Variable => byName.get(name) as Variable;
  const { vocabSize: V, seqLen, dModel: d, nLayers: L, nHeads: H, causal } = config;
  const layers = Array.from({ length: L }, (_, i) => ({
    attnNorm: v(`layers.${i}.attn_norm`),
    attn: {
      wqkv: v(`layers.${i}.attn.wqkv`),
      qkNorm: v(`layers.${i}.attn.qk_norm`),
      sinkK: v(`layers.${i}.attn.sink_k`),
      sinkV: v(`layers.${i}.attn.sink_v`),
      wo: v(`layers.${i}.attn.wo`),
    } satisfies AttentionParams,
    mlpNorm: v(`layers.${i}.mlp_norm`),
    wUp: v(`layers.${i}.mlp.w_up`),
    bUp: v(`layers.${i}.mlp.b_up`),
    wDown: v(`layers.${i}.mlp.w_down`),
    bDown: v(`layers.${i}.mlp.b_down`),
  }));
  const embedding = v('embed');
  const finalNorm = v('final_norm');
  const lmHead = v('lm_head');
  const rope: RopeTables = ropeTables(seqLen, d / H, config.ropeTheta);
  const residualScale = 4 / L; // SPEC §3
  const outputScale = 512 / d; // SPEC §3
  let disposed = false;

  function apply(tokens: Tensor2D, attentionMask?: Tensor3D | null): Tensor3D {
    if (disposed) throw new Error('transformer: apply() after dispose()');
    if (tokens.rank !== 2 || tokens.dtype !== 'int32') {
      throw new Error(`transformer.apply: tokens must be int32 [B, N], got ${tokens.dtype} [${tokens.shape.join(', ')}]`);
    }
    const [B, N] = tokens.shape;
    if (N > seqLen) throw new Error(`transformer.apply: sequence length ${N} exceeds the model's seqLen ${seqLen}; use shorter sequences or a larger seqLen`);
    if (attentionMask && (attentionMask.rank !== 3 || attentionMask.shape[0] !== B || attentionMask.shape[1] !== N || attentionMask.shape[2] !== N)) {
      throw new Error(`transformer.apply: attentionMask must be float32 [${B}, ${N}, ${N}], got [${attentionMask.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      const cos = tf.reshape(tf.slice(rope.cos, [0, 0], [N, -1]), [N, 1, d / H]); // [N, 1, dh]
      const sin = tf.reshape(tf.slice(rope.sin, [0, 0], [N, -1]), [N, 1, d / H]); // [N, 1, dh]
      const bias = attentionBias(N, causal, attentionMask); // [B|1, 1, N, N+1] | null
      const ctx = { batch: B, seqLen: N, nHeads: H, softCap: config.attnSoftCap, cos, sin, bias };
      let h: Tensor2D = embed(embedding as Tensor2D, tf.reshape(tokens, [B * N]) as Tensor1D); // [B·N, d]
      for (const layer of layers) {
        const a = attention(rmsNorm(h, layer.attnNorm), layer.attn, ctx); // [B·N, d]
        h = tf.add(h, tf.mul(a, residualScale));
        const m = rmsNorm(h, layer.mlpNorm); // [B·N, d]
        const up = biasSquaredRelu(matMul<Tensor2D>(m, layer.wUp), layer.bUp as Tensor1D); // [B·N, 4d]
        const down = tf.add(matMul<Tensor2D>(up, layer.wDown), layer.bDown); // [B·N, d]
        h = tf.add(h, tf.mul(down, residualScale));
      }
      // (512/d) applied to h [B·N, d] rather than to the logits [B·N, V]: same product, fewer flops.
      const hf = tf.mul(rmsNorm(h, finalNorm), outputScale); // [B·N, d]
      const logits = matMul<Tensor2D>(hf, lmHead); // [B·N, V]
      return tf.reshape(logits, [B, N, V]) as Tensor3D;
    });
  }

  function checkTokens(tokens: Tensor2D, what: string): void {
    if (disposed) throw new Error(`transformer: ${what}() after dispose()`);
    if (tokens.rank !== 2 || tokens.dtype !== 'int32') throw new Error(`transformer.${what}: tokens must be int32 [B, N], got ${tokens.dtype} [${tokens.shape.join(', ')}]`);
  }

  // The blocks over M positions at offset P after a prefix's keys and values (null: none); the final norm and head
  // only when logits are asked for. Returns the logits (or null) and each layer's keys and values of these positions.
  function forwardAfter(tokens: Tensor2D, past: PrefixCache | null, logitsToo: boolean): { logits: Tensor3D | null; kv: LayerKeysValues[] } {
    const [B, M] = tokens.shape;
    const P = past?.length ?? 0;
    const cos = tf.reshape(tf.slice(rope.cos, [P, 0], [M, -1]), [M, 1, d / H]); // [M, 1, dh]
    const sin = tf.reshape(tf.slice(rope.sin, [P, 0], [M, -1]), [M, 1, d / H]); // [M, 1, dh]
    const bias = causal ? (P > 0 ? causalBiasAfterPrefix(P, M) : attentionBias(M, true, null)) : null; // [1, 1, M, P+M+1] | null
    const ctx = { batch: B, length: M, nHeads: H, softCap: config.attnSoftCap, cos, sin, bias };
    const kv: LayerKeysValues[] = [];
    let h: Tensor2D = embed(embedding as Tensor2D, tf.reshape(tokens, [B * M]) as Tensor1D); // [B·M, d]
    layers.forEach((layer, i) => {
      const { out: a, k, v } = attentionAfterPrefix(rmsNorm(h, layer.attnNorm), layer.attn, ctx, past ? past.layers[i]! : null); // [B·M, d]
      kv.push({ k, v });
      h = tf.add(h, tf.mul(a, residualScale));
      const m = rmsNorm(h, layer.mlpNorm); // [B·M, d]
      const up = biasSquaredRelu(matMul<Tensor2D>(m, layer.wUp), layer.bUp as Tensor1D); // [B·M, 4d]
      h = tf.add(h, tf.mul(tf.add(matMul<Tensor2D>(up, layer.wDown), layer.bDown), residualScale));
    });
    if (!logitsToo) return { logits: null, kv };
    const logits = matMul<Tensor2D>(tf.mul(rmsNorm(h, finalNorm), outputScale), lmHead); // [B·M, V]
    return { logits: tf.reshape(logits, [B, M, V]) as Tensor3D, kv };
  }

  function encodePrefix(tokens: Tensor2D): PrefixCache {
    checkTokens(tokens, 'encodePrefix');
    const [B, P] = tokens.shape;
    if (!(P >= 1 && P < seqLen)) throw new Error(`transformer.encodePrefix: the prefix must have 1 to ${seqLen - 1} positions, got ${P}`);
    const kv = tf.tidy(() => {
      const { kv: layerKv } = forwardAfter(tokens, null, false);
      return layerKv.flatMap(({ k, v }) => [k, v]);
    }) as Tensor4D[];
    const cacheLayers = layers.map((_, i) => ({ k: kv[2 * i]!, v: kv[2 * i + 1]! }));
    return { batch: B, length: P, layers: cacheLayers, dispose: () => { for (const t of kv) t.dispose(); } };
  }

  function applyAfterPrefix(cache: PrefixCache, tokens: Tensor2D): Tensor3D {
    checkTokens(tokens, 'applyAfterPrefix');
    const [B, M] = tokens.shape;
    if (!cache || cache.layers?.length !== L || cache.batch !== B) throw new Error(`transformer.applyAfterPrefix: the cache must come from this model's encodePrefix with batch ${B}`);
    if (cache.length + M > seqLen) throw new Error(`transformer.applyAfterPrefix: prefix ${cache.length} + block ${M} positions exceed the model's seqLen ${seqLen}`);
    return tf.tidy(() => forwardAfter(tokens, cache, true).logits!);
  }

  return {
    config,
    shape: { vocabSize: V, seqLen, dModel: d, nLayers: L, nHeads: H, causal },
    params,
    apply,
    encodePrefix,
    applyAfterPrefix,
    flopsPerToken: () => flopsPerToken(config),
    paramCount: () => exactParamCount(config),
    dispose: () => {
      if (disposed) return;
      disposed = true;
      for (const p of params) p.variable.dispose();
      rope.cos.dispose();
      rope.sin.dispose();
    },
  };
}

