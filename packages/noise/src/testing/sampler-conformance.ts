// The conformance kit of sampler plug-ins (the built-ins run it too). It drives generate() with an oracle denoiser
// that puts a large margin on a known target sequence: under masked noise at temperature 0 every sampler must give
// back the target, keep a prompt, and give the same samples for the same seed. Uses the caller's TF.js backend.
import * as tf from '@tensorflow/tfjs-core';
import { generate } from '../sampling/generate.js';
import { assertSamplerPlugin, samplerRegistryOf, type SamplerPlugin } from '../sampling/sampler-type.js';
import { createRng } from '../random.js';
import type { TokenSpace } from '../objective.js';
import { pluginContractChecks, type ConformanceCheck, registerConformance, type ConformanceRunner } from './plugin-contract-checks.js';

export interface SamplerConformanceOptions {
  /** Raw (JSON) options passed to parseOptions (default undefined = the sampler's defaults). */
  readonly options?: unknown;
  /** Denoising steps per block (default the sequence length, 12). */
  readonly steps?: number;
}

const fail = (msg: string): never => { throw new Error(msg); };
const tokens: TokenSpace = { vocabSize: 10, maskId: 9, padId: null };
const V = 10, N = 12;
const target = Int32Array.from({ length: N }, (_, j) => (5 * j + 2) % 9);

const oracle = (zt: tf.Tensor2D): tf.Tensor3D => {
  const [B] = zt.shape;
  return tf.tensor3d(Float32Array.from({ length: B * N * V }, (_, i) => ((i % V) === target[Math.floor(i / V) % N] ? 30 : 0)), [B, N, V]);
};

export function samplerConformanceChecks(pluginOrModule: unknown, o: SamplerConformanceOptions = {}): ConformanceCheck[] {
  const plugin: SamplerPlugin = assertSamplerPlugin(pluginOrModule, 'conformance subject');
  const samplers = samplerRegistryOf([], [plugin]);
  const run = (over: { seed?: number; prompt?: Int32Array[]; blockLength?: number } = {}) => generate({
    spec: { id: 'difflm/masked' }, tokens, denoise: oracle, batchSize: 2, seqLen: N, steps: o.steps ?? N, grid: 'cosine', temperature: 0,
    sampler: plugin.id, samplers, ...(o.options === undefined ? {} : { samplerOptions: o.options as Record<string, unknown> }),
    rng: createRng(over.seed ?? 11), ...(over.prompt ? { prompt: over.prompt } : {}), ...(over.blockLength ? { blockLength: over.blockLength } : {}),
  });
  const same = (a: Int32Array, b: Int32Array, what: string): void => { for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) fail(`${what}: position ${j} is ${a[j]}, expected ${b[j]}`); };
  return [
    ...pluginContractChecks(plugin, o.options),
    { name: 'recovers the oracle\'s sequence under masked noise at temperature 0, without leaking tensors', async run() {
      const before = tf.memory().numTensors;
      for (const row of await run()) same(row, target, 'sample');
      if (tf.memory().numTensors !== before) fail(`${tf.memory().numTensors - before} tensor(s) leaked`);
    } },
    { name: 'keeps a prompt and generates block by block', async run() {
      const prompt = [Int32Array.from([1, 1, 1])];
      for (const row of await run({ prompt, blockLength: 4 })) {
        same(row.subarray(0, 3), prompt[0]!, 'prompt');
        same(row.subarray(3), target.subarray(3), 'sample after the prompt');
      }
    } },
    { name: 'is deterministic given the seed', async run() {
      const a = await run({ seed: 5 }), b = await run({ seed: 5 });
      a.forEach((row, i) => same(row, b[i]!, 'same seed'));
    } },
  ];
}

export function describeSamplerConformance(
  pluginOrModule: unknown,
  runner: ConformanceRunner,
  options?: SamplerConformanceOptions,
): void {
  const plugin = assertSamplerPlugin(pluginOrModule, 'conformance subject');
  registerConformance(`sampler conformance: ${plugin.id}`, () => samplerConformanceChecks(plugin, options), runner);
}
