// Sampling entry point (SPEC §2): ancestral sampling on a λ grid (a λ schedule: cosine, linear or a plug-in's), the paper's adaptive
// "generalised confidence" sampler, and GIDD self-correction, with a clean prompt, block-wise generation,
// temperature, top-k and top-p. All randomness comes from opts.rng (same seed → same samples).
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import type { DiffusionObjective, NoiseSpec, TokenSpace } from '../objective.js';
import type { NoiseProcess } from '../noise-type.js';
import type { Rng } from '../random.js';
import { createNoiseRegistry, type NoiseRegistry } from '../registry.js';
import { isNoiseObjective } from '../create-objective.js';
import { attentionFromLevels } from '../corruption/prompt-conditioning.js';
import { logSnrGrid, type LogSnrGridKind } from './log-snr-grid.js';
import type { ScheduleRegistry } from '../schedule/schedule-registry.js';
import { callDenoiser, callPrefixDenoiser, type Denoiser } from './denoise-call.js';
import type { SamplerRegistry, SamplerTypes } from './sampler-type.js';
import { createSamplerRegistry } from './sampler-types.js';
import { samplePrior } from './sample-prior.js';

/** A sampler's id ("ancestral", "adaptive", "self-correction" — bare names are difflm's — or a plug-in's). */
export type SamplerKind = 'ancestral' | 'adaptive' | 'self-correction' | (keyof SamplerTypes & string) | (string & {});

export interface GenerateOptions {
  /** The objective the model was trained with (its process and λ range are reused) ... */
  readonly objective?: DiffusionObjective;
  /** ... or a noise spec and token space (resolved through registry, default: built-ins). */
  readonly spec?: NoiseSpec;
  readonly tokens?: TokenSpace;
  readonly registry?: NoiseRegistry;
  /** The model: z_t int32 [B, N] and attention mask (1 = may attend) → logits [B, N, V]; the sampler disposes the logits. */
  readonly denoise: Denoiser;
  readonly batchSize: number;
  readonly seqLen: number;
  /** Denoising steps (per block when blockLength is set); or give `tokensPerStep`. */
  readonly steps?: number;
  /**
   * Tokens per step instead of a step count: each block gets ⌈its tokens / tokensPerStep⌉ steps (the adaptive sampler
   * then commits exactly this many per step; the ancestral one this many on average).
   */
  readonly tokensPerStep?: number;
  readonly sampler: SamplerKind;
  /** Options of the sampler (its parseOptions checks them). */
  readonly samplerOptions?: Readonly<Record<string, unknown>>;
  /** The samplers `sampler` may name (default: the built-ins). */
  readonly samplers?: SamplerRegistry;
  /**
   * λ grid of the steps (SPEC §2.1): a λ schedule's id — "cosine", "linear" (difflm's) or a plug-in schedule's,
   * resolved through `schedules` — whose times, evenly spaced, place the steps.
   */
  readonly grid: LogSnrGridKind;
  /** JSON options of the grid's schedule. */
  readonly gridOptions?: Readonly<Record<string, unknown>>;
  /** The schedules `grid` may name (default: the built-ins). */
  readonly schedules?: ScheduleRegistry;
  /** Clean prefixes: one per row, or one shared by every row. */
  readonly prompt?: Int32Array[];
  /** Softmax temperature (default 1; 0 = argmax). */
  readonly temperature?: number;
  readonly topK?: number;
  readonly topP?: number;
  /** Generate left to right in blocks of this many tokens (default: one block). */
  readonly blockLength?: number;
  readonly rng: Rng;
  /**
   * Called before each model evaluation with the sequences as they stand (for progress, or to show generation step by
   * step), and once more at the end (`done`). `z` is a copy the callback may keep. It changes nothing of the samples.
   */
  readonly onStep?: (e: GenerateStep) => void;
  /**
   * End-of-sequence token: a row ends at its first EOS among its generated tokens (not before `minLength` of them); the
   * row returned stops there (EOS included), and block-wise generation stops once every row has ended.
   */
  readonly eosId?: number;
  /** Generated tokens before an EOS may end a row: the denoiser's EOS logit is −∞ at the first minLength of them. */
  readonly minLength?: number;
  /**
   * Reuse the clean prefix across the steps of a block (block-wise generation, or one block after a prompt): its keys
   * and values are computed once per block by `encodePrefix` and each step runs the block's positions alone through
   * `applyAfterPrefix`; positions after the block are not computed (the block cannot see them). The model must accept
   * sequences shorter than seqLen. Used when every row's prompt has the same length; else every step runs the whole
   * sequence. Samples are those of the full computation up to float rounding.
   */
  readonly prefixDenoiser?: PrefixDenoiser;
  /** λ range of the grid and prior (default: the objective's schedule, else [−9, 9]). */
  readonly minLogSnr?: number;
  readonly maxLogSnr?: number;
}

/** What generate() reports to `onStep`. */
export interface GenerateStep {
  /** Model evaluations so far (0 before the first). */
  readonly evaluation: number;
  /** The block being generated (0-based) and how many there are. */
  readonly block: number;
  readonly blocks: number;
  /** True for the last report, after the final step. */
  readonly done: boolean;
  /** The batch's tokens, row-major [batchSize, seqLen] (a copy). */
  readonly z: Int32Array;
}

/** A model that can run a block after a clean prefix whose keys and values it computed once (a Transformer is one). */
export interface PrefixDenoiser<Cache extends { dispose(): void } = { dispose(): void }> {
  /** The prefix int32 [B, P] (P ≥ 1) attending to itself alone. */
  encodePrefix(prefix: Tensor2D): Cache;
  /** Logits [B, M, V] of the block int32 [B, M] right after the prefix, attending to the prefix and the block. */
  applyAfterPrefix(cache: Cache, block: Tensor2D): Tensor3D | Promise<Tensor3D>;
}

/** Shared state of one generate() run, handed to the block samplers. */
export interface SamplingState {
  readonly process: NoiseProcess;
  readonly maskId: number | null;
  readonly B: number;
  readonly N: number;
  readonly V: number;
  readonly z: Int32Array;
  readonly range: readonly [number, number];
  readonly rng: Rng;
  readonly trunc: { readonly temperature: number; readonly topK?: number | undefined; readonly topP?: number | undefined };
  /** Run the model on the current z with the given attention mask. */
  denoise(attention: Float32Array | null): Promise<Float32Array>;
}

function resolve(o: GenerateOptions): { process: NoiseProcess; tokens: TokenSpace; range: [number, number] } {
  const registry = o.registry ?? createNoiseRegistry();
  const obj = o.objective;
  // An objective built by createObjective carries its process and schedule; any other is rebuilt from its spec.
  const built = obj && isNoiseObjective(obj) ? obj : undefined;
  let process: NoiseProcess, tokens: TokenSpace;
  if (obj) { tokens = obj.tokens; process = built?.process ?? registry.create(obj.spec, obj.tokens); }
  else if (o.spec && o.tokens) { tokens = o.tokens; process = registry.create(o.spec, o.tokens); }
  else throw new Error('generate: pass `objective`, or both `spec` and `tokens`');
  const range: [number, number] = [o.minLogSnr ?? Math.max(built?.schedule.minLogSnr ?? -9, -9), o.maxLogSnr ?? Math.min(built?.schedule.maxLogSnr ?? 9, 9)];
  if (!(range[0] < range[1])) throw new Error(`generate: inverted λ range (minLogSnr ${range[0]} must be < maxLogSnr ${range[1]})`);
  return { process, tokens, range };
}

function checkInt(v: unknown, field: string, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new Error(`generate: ${field} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return v;
}

export async function generate(o: GenerateOptions): Promise<Int32Array[]> {
  const { process, tokens, range } = resolve(o);
  const B = checkInt(o.batchSize, 'batchSize', 1), N = checkInt(o.seqLen, 'seqLen', 1);
  if ((o.steps === undefined) === (o.tokensPerStep === undefined)) throw new Error('generate: give either steps or tokensPerStep (one of them)');
  if (o.steps !== undefined) checkInt(o.steps, 'steps', 1);
  if (o.tokensPerStep !== undefined) checkInt(o.tokensPerStep, 'tokensPerStep', 1);
  if (typeof o.sampler !== 'string' || o.sampler.length === 0) throw new Error(`generate: sampler must be a sampler id such as 'ancestral', 'adaptive' or 'self-correction', got ${JSON.stringify(o.sampler)}`);
  const samplers = o.samplers ?? createSamplerRegistry();
  let sampler;
  try {
    sampler = samplers.create(o.sampler, o.samplerOptions);
  } catch (e) {
    throw new Error(`generate: ${(e as Error).message}`);
  }
  if (typeof o.grid !== 'string' || o.grid.length === 0) throw new Error(`generate: grid must be a λ schedule id such as 'cosine' or 'linear', got ${JSON.stringify(o.grid)}`);
  const grids = new Map<number, Float64Array>();
  const gridOf = (steps: number): Float64Array => {
    let grid = grids.get(steps);
    if (!grid) {
      try {
        grid = logSnrGrid(o.grid, steps, range, o.schedules, o.gridOptions);
      } catch (e) {
        throw new Error(`generate: grid: ${(e as Error).message}`);
      }
      grids.set(steps, grid);
    }
    return grid;
  };
  gridOf(o.steps ?? 1);
  const temperature = o.temperature ?? 1;
  if (!(temperature >= 0)) throw new Error(`generate: temperature must be >= 0, got ${temperature}`);
  if (o.topP !== undefined && !(o.topP > 0 && o.topP <= 1)) throw new Error(`generate: topP must be in (0, 1], got ${o.topP}`);
  if (o.topK !== undefined) checkInt(o.topK, 'topK', 1);
  const L = o.blockLength === undefined ? N : checkInt(o.blockLength, 'blockLength', 1);
  const V = tokens.vocabSize;
  const eos = o.eosId === undefined ? null : checkInt(o.eosId, 'eosId', 0);
  if (eos !== null && (eos >= V || eos === tokens.maskId)) throw new Error(`generate: eosId must be a token id below vocabSize ${V} other than the mask token, got ${eos}`);
  const minLength = o.minLength === undefined ? 0 : checkInt(o.minLength, 'minLength', 0);
  if (o.minLength !== undefined && eos === null) throw new Error('generate: minLength needs eosId (it keeps EOS out of the first minLength generated tokens)');
  const z = new Int32Array(B * N);
  const promptLen = new Int32Array(B);
  if (o.prompt) {
    if (o.prompt.length !== B && o.prompt.length !== 1) throw new Error(`generate: prompt must have 1 or batchSize=${B} rows, got ${o.prompt.length}`);
    for (let b = 0; b < B; b++) {
      const p = o.prompt[o.prompt.length === 1 ? 0 : b]!;
      if (p.length > N) throw new Error(`generate: prompt row ${b} has ${p.length} tokens, more than seqLen ${N}`);
      z.set(p, b * N); promptLen[b] = p.length;
    }
  }
  // Prior: every generated position ~ π_{λ_min} (SPEC §2.1, HF `_sample_prior`).
  for (let b = 0; b < B; b++) z.set(samplePrior(process, range[0], N - promptLen[b]!, o.rng), b * N + promptLen[b]!);
  const minPrompt = Math.min(...promptLen), maxPrompt = Math.max(...promptLen);
  // Prefix reuse: the block [start, end) of every row after a shared clean prefix [0, start).
  let reuse: { attention: Float32Array | null; start: number; end: number; cache: { dispose(): void } | null } | null = null;
  const state: SamplingState = {
    process, maskId: tokens.maskId, B, N, V, z, range, rng: o.rng,
    trunc: { temperature, topK: o.topK, topP: o.topP },
    denoise: async (attention) => {
      o.onStep?.({ evaluation: evaluations, block: currentBlock, blocks: numBlocks, done: false, z: z.slice() });
      evaluations++;
      const logits = reuse && attention === reuse.attention ? await denoiseAfterPrefix(reuse) : await callDenoiser(o.denoise, z, attention, B, N, V);
      if (eos !== null && minLength > 0) {
        for (let b = 0; b < B; b++) for (let j = promptLen[b]!; j < Math.min(N, promptLen[b]! + minLength); j++) logits[(b * N + j) * V + eos] = -Infinity;
      }
      return logits;
    },
  };
  const rowsOf = (from: number, to: number): Int32Array => {
    const out = new Int32Array(B * (to - from));
    for (let b = 0; b < B; b++) out.set(z.subarray(b * N + from, b * N + to), b * (to - from));
    return out;
  };
  // The block's logits in a fresh [B, N, V] array whose other positions are NaN (a sampler reading them fails loudly).
  async function denoiseAfterPrefix(r: NonNullable<typeof reuse>): Promise<Float32Array> {
    const { start, end } = r, M = end - start;
    let part: Float32Array;
    if (start === 0) part = await callDenoiser(o.denoise, rowsOf(0, end), null, B, end, V);
    else {
      const pd = o.prefixDenoiser!;
      if (!r.cache) {
        const prefix = tf.tensor2d(rowsOf(0, start), [B, start], 'int32');
        try { r.cache = pd.encodePrefix(prefix); } finally { prefix.dispose(); }
      }
      part = await callPrefixDenoiser(pd, r.cache, rowsOf(start, end), B, M, V);
    }
    const logits = new Float32Array(B * N * V).fill(Number.NaN);
    for (let b = 0; b < B; b++) logits.set(part.subarray(b * M * V, (b + 1) * M * V), (b * N + start) * V); // M = end when start is 0
    return logits;
  }
  const numBlocks = Math.max(1, Math.ceil((N - minPrompt) / L));
  let evaluations = 0, currentBlock = 0;
  const levels = new Float32Array(B * N);
  const inBlock = new Uint8Array(B * N);
  // Where each row ends: one past its first EOS at or after minLength generated tokens, within `upTo` (−1: not ended).
  const endOf = (b: number, upTo: number): number => {
    if (eos === null) return -1;
    for (let j = promptLen[b]! + minLength; j < Math.min(N, upTo); j++) if (z[b * N + j] === eos) return j + 1;
    return -1;
  };
  let lastBlock = numBlocks - 1;
  for (let blk = 0; blk < numBlocks; blk++) {
    let any = false, blockTokens = 0;
    for (let b = 0; b < B; b++) {
      let rowTokens = 0;
      for (let j = 0; j < N; j++) {
        const i = b * N + j, rel = j - promptLen[b]!;
        const level = rel < 0 ? 0 : rel < blk * L ? 0 : rel < (blk + 1) * L ? 1 : 2; // prompt/done, current, future
        levels[i] = level; inBlock[i] = level === 1 ? 1 : 0;
        if (level === 1) { any = true; rowTokens++; }
      }
      blockTokens = Math.max(blockTokens, rowTokens);
    }
    if (!any) continue;
    currentBlock = blk;
    const steps = o.steps ?? Math.ceil(blockTokens / o.tokensPerStep!);
    const attention = minPrompt === 0 && maxPrompt === 0 && numBlocks === 1 ? null : attentionFromLevels(levels, B, N);
    const start = minPrompt + blk * L, end = Math.min(N, start + L);
    reuse = o.prefixDenoiser && minPrompt === maxPrompt && !(start === 0 && end === N)
      ? { attention, start, end, cache: null }
      : null;
    try {
      await sampler.runBlock(state, { inBlock, attention, steps, grid: gridOf(steps) });
    } finally {
      reuse?.cache?.dispose();
      reuse = null;
    }
    if (eos !== null && blk + 1 < numBlocks && Array.from({ length: B }, (_, b) => endOf(b, promptLen[b]! + (blk + 1) * L)).every((e) => e >= 0)) { lastBlock = blk; break; }
  }
  // Generated so far: up to the end of the last block run (all of it unless every row ended early).
  const generatedEnd = (b: number): number => Math.min(N, promptLen[b]! + (lastBlock + 1) * L);
  if (sampler.refine) {
    for (let b = 0; b < B; b++) for (let j = 0; j < N; j++) { const i = b * N + j; const level = j < promptLen[b]! ? 0 : j < generatedEnd(b) ? 1 : 2; levels[i] = level; inBlock[i] = level === 1 ? 1 : 0; }
    const partial = Array.from({ length: B }, (_, b) => generatedEnd(b) < N).some(Boolean);
    await sampler.refine(state, inBlock, maxPrompt > 0 || partial ? attentionFromLevels(levels, B, N) : null);
  }
  o.onStep?.({ evaluation: evaluations, block: currentBlock, blocks: numBlocks, done: true, z: z.slice() });
  return Array.from({ length: B }, (_, b) => {
    const end = endOf(b, generatedEnd(b));
    return z.slice(b * N, b * N + (end >= 0 ? end : N));
  });
}
