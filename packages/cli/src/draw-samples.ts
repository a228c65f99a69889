// Drawing samples from an opened run, shared by `difflm sample` and `difflm eval --generate`: a diffusion run through
// @difflm/noise's generate() with the sampler and grid asked for, the AR baseline left to right after a document
// separator (EOS), as in the packed training data.
import type { Tokenizer } from '@difflm/data';
import { generate, type GenerateStep, type Rng, type SamplerKind, type SamplerRegistry, type ScheduleRegistry } from '@difflm/noise';
import { sampleAutoregressive } from '@difflm/trainer';
import type { OpenedRun } from '@difflm/trainer/node';

type Tokens = Parameters<OpenedRun['model']['apply']>[0];

export interface DrawOptions {
  readonly numSamples: number;
  /** Total tokens per sample, prompt included. */
  readonly length: number;
  readonly promptIds: readonly number[];
  readonly sampler: SamplerKind;
  readonly samplerOptions?: Record<string, unknown>;
  readonly samplers: SamplerRegistry;
  /** Denoising steps (default: the generated tokens), or tokens per step. */
  readonly steps?: number;
  readonly tokensPerStep?: number;
  /** End each sample at its first document separator (EOS) after `minLength` generated tokens. */
  readonly stopAtEos?: boolean;
  readonly minLength?: number;
  /** Diffusion runs: reuse the clean prefix's keys and values across steps where the model can (default true). */
  readonly prefixCache?: boolean;
  readonly grid: string;
  readonly gridOptions?: Record<string, unknown>;
  readonly schedules: ScheduleRegistry;
  readonly temperature: number;
  readonly topK?: number;
  readonly topP?: number;
  readonly blockLength?: number;
  readonly rng: Rng;
  /** Diffusion runs: called before each model evaluation and at the end (generate()'s onStep). */
  readonly onStep?: (e: GenerateStep) => void;
}

/** Rows of token ids (prompt included) and where the generated part starts. */
export async function drawSamples(run: OpenedRun, tokenizer: Tokenizer, o: DrawOptions): Promise<{ rows: Int32Array[]; promptLength: number }> {
  if (o.length > run.model.shape.seqLen) throw new Error(`--length ${o.length} exceeds the model context ${run.model.shape.seqLen}`);
  if (run.noise) {
    const promptLength = o.promptIds.length;
    if (promptLength >= o.length) throw new Error(`the prompt has ${promptLength} tokens, not fewer than --length ${o.length}`);
    const model = run.model;
    const { encodePrefix, applyAfterPrefix } = model;
    const prefixDenoiser = o.prefixCache !== false && encodePrefix && applyAfterPrefix
      ? { encodePrefix: (p: Tokens) => encodePrefix.call(model, p), applyAfterPrefix: (c: { dispose(): void }, b: Tokens) => applyAfterPrefix.call(model, c, b) }
      : undefined;
    const rows = await generate({
      objective: run.noise, denoise: (zt, mask) => model.apply(zt, mask), batchSize: o.numSamples, seqLen: o.length,
      ...(o.tokensPerStep !== undefined ? { tokensPerStep: o.tokensPerStep } : { steps: o.steps ?? o.length - promptLength }),
      ...(prefixDenoiser ? { prefixDenoiser } : {}),
      ...(o.stopAtEos ? { eosId: tokenizer.special.eos, ...(o.minLength !== undefined ? { minLength: o.minLength } : {}) } : {}),
      sampler: o.sampler, samplers: o.samplers, ...(o.samplerOptions ? { samplerOptions: o.samplerOptions } : {}),
      grid: o.grid, schedules: o.schedules, ...(o.gridOptions ? { gridOptions: o.gridOptions } : {}), rng: o.rng, temperature: o.temperature,
      ...(o.topK !== undefined ? { topK: o.topK } : {}), ...(o.topP !== undefined ? { topP: o.topP } : {}),
      ...(promptLength > 0 ? { prompt: [Int32Array.from(o.promptIds)] } : {}),
      ...(o.blockLength !== undefined ? { blockLength: o.blockLength } : {}),
      ...(o.onStep ? { onStep: o.onStep } : {}),
    });
    return { rows, promptLength };
  }
  const prompt = [tokenizer.special.eos, ...o.promptIds];
  if (prompt.length >= o.length) throw new Error(`the prompt has ${prompt.length - 1} tokens, too many for --length ${o.length}`);
  const rows = await sampleAutoregressive(run.model, {
    prompt, length: o.length - prompt.length, numSamples: o.numSamples, rng: o.rng, temperature: o.temperature,
    ...(o.topK !== undefined ? { topK: o.topK } : {}), ...(o.topP !== undefined ? { topP: o.topP } : {}),
    excludeIds: [tokenizer.special.mask, tokenizer.special.pad],
    ...(o.stopAtEos ? { eosId: tokenizer.special.eos, ...(o.minLength !== undefined ? { minLength: o.minLength } : {}) } : {}),
  });
  return { rows, promptLength: prompt.length };
}
