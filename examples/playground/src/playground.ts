// The playground's core, free of the DOM: load a run exported by `difflm export --web` (model.json + model.bin) with
// the same @difflm packages Node uses, and sample from it the way `difflm sample` does (same defaults, same prefix
// cache, same random stream), reporting every denoising step.
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import { deserializeModel, type ModelManifest, type Transformer } from '@difflm/models';
import { createObjective, createRng, generate, type DiffusionObjective, type GenerateStep, type NoiseSpec, type SamplerKind, type TokenSpace } from '@difflm/noise';
import { loadTokenizer, type Tokenizer, type TokenizerSpec } from '@difflm/data/tokenizers';

export interface LoadedRun {
  readonly name: string;
  readonly step: number;
  readonly noise: string;
  readonly seqLen: number;
  readonly model: Transformer;
  readonly objective: DiffusionObjective;
  readonly tokenizer: Tokenizer;
  readonly maskId: number | null;
  /** The empty token that empty-token insertion teaches a model to emit (not text). */
  readonly padId: number | null;
}

interface WebExtra {
  format: string; version: number; run: string; step: number; seqLen: number; tokens: TokenSpace; tokenizer: TokenizerSpec;
  objective: { kind: 'diffusion'; noise: NoiseSpec; objectiveOptions?: Record<string, unknown> } | { kind: 'autoregressive' };
}

/** Pick the backend: `preferred` if it starts, else WebGPU where the browser has it, else wasm (binaries beside the page). */
export async function startBackend(preferred?: string): Promise<string> {
  setWasmPaths(new URL('./', document.baseURI).href);
  const order = preferred ? [preferred] : [...('gpu' in navigator ? ['webgpu'] : []), 'wasm'];
  for (const name of order) {
    try { if (await tf.setBackend(name)) { await tf.ready(); return name; } } catch { /* next */ }
  }
  throw new Error(`no TensorFlow.js backend started (tried ${order.join(', ')})`);
}

async function fetchOk(url: string): Promise<Response> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r;
}

export async function loadRun(base: string): Promise<LoadedRun> {
  const manifest = (await (await fetchOk(`${base}/model.json`)).json()) as ModelManifest;
  const extra = manifest.extra as unknown as WebExtra;
  if (extra?.format !== 'difflm-web' || extra.version !== 1) throw new Error(`${base}/model.json is not a difflm web export (difflm export --web <run-dir> --out <dir>)`);
  if (extra.objective.kind !== 'diffusion') throw new Error(`${base}: an autoregressive run; the playground shows diffusion runs`);
  const weights = new Uint8Array(await (await fetchOk(`${base}/model.bin`)).arrayBuffer());
  const model = deserializeModel(manifest, weights);
  const objective = createObjective(extra.objective.noise, extra.tokens, extra.objective.objectiveOptions ?? {});
  const { id, options } = extra.objective.noise;
  return { name: extra.run, step: extra.step, noise: options ? `${id} ${JSON.stringify(options)}` : id, padId: extra.tokens.padId, seqLen: extra.seqLen, model, objective, tokenizer: await loadTokenizer(extra.tokenizer), maskId: extra.tokens.maskId };
}

export interface SampleOptions {
  readonly prompt: string;
  /** Denoising steps (default: the generated tokens, as `difflm sample`). */
  readonly steps?: number;
  readonly sampler: SamplerKind;
  readonly temperature: number;
  readonly seed: number;
  readonly numSamples: number;
  /** Total tokens, prompt included (default: the run's context). */
  readonly length?: number;
}

/** Samples as `difflm sample` draws them; rows include the prompt. */
export async function sampleRun(run: LoadedRun, o: SampleOptions, onStep?: (e: GenerateStep) => void): Promise<{ rows: Int32Array[]; promptLength: number; length: number }> {
  const length = o.length ?? run.seqLen;
  const promptIds = o.prompt ? run.tokenizer.encode(o.prompt) : [];
  if (promptIds.length >= length) throw new Error(`the prompt has ${promptIds.length} tokens, not fewer than the length ${length}`);
  const rows = await generate({
    objective: run.objective, denoise: (zt, mask) => run.model.apply(zt, mask), prefixDenoiser: run.model,
    batchSize: o.numSamples, seqLen: length, steps: o.steps ?? length - promptIds.length, sampler: o.sampler, grid: 'cosine',
    rng: createRng(o.seed), temperature: o.temperature, ...(promptIds.length ? { prompt: [Int32Array.from(promptIds)] } : {}),
    ...(onStep ? { onStep } : {}),
  });
  return { rows, promptLength: promptIds.length, length };
}
