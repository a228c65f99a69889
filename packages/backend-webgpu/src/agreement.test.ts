// TensorFlow.js's WebGPU backend against the plain cpu backend on the paper's transformer (@difflm/models): the
// loss and every parameter gradient of each noise type's objective and of the AR baseline, a short LaProp/AdamW
// training curve, likelihood scoring, the bidirectional model's logits under the samplers' attention rule, and
// sampling (diffusion and AR), within float32
// tolerance, leaking no tensor. On CPU-only machines the adapter is SwiftShader, Chromium's software Vulkan driver
// (Debian's chromium package), with libvulkan1. A whole `difflm train --backend webgpu` run (checkpoints, held-out
// evaluation) is tested in packages/integration/src/train-webgpu.test.ts.
import { describe, expect, it } from 'vitest';
import { expectNoLeaks, tf, useSoftwareVulkan, relativeL2 } from '@difflm/test-utils';
import { buildTransformer, resolveModelConfig, type ModelConfigInput } from '@difflm/models';
import { createObjective, createRng, generate, type NoiseSpec } from '@difflm/noise';
import { autoregressiveObjective, createTrainer, diffusionObjective, sampleAutoregressive, type TokenBatchSource, type TrainingObjective } from '@difflm/trainer';
import { describeAdapter, startWebGpu, webgpuInfo } from './index.js';

useSoftwareVulkan();
const info = await webgpuInfo();
const title = info.available ? `the webgpu backend (${describeAdapter(info)}) agrees with cpu` : `the webgpu backend agrees with cpu (SKIPPED: ${info.reason})`;

const V = 13, N = 8, B = 4;
const tokens = { vocabSize: V, maskId: V - 1, padId: V - 2 };
const config = (causal: boolean): ModelConfigInput => ({ vocabSize: V, seqLen: N, dModel: 16, nLayers: 2, nHeads: 2, causal });
const ids = Int32Array.from({ length: 64 * N }, (_, i) => (Math.imul(i, 2654435761) >>> 27) % (V - 2));

/** Every parameter non-zero and the same on every backend (a fixed LCG, not a backend's random ops). */
function weights(causal: boolean): (name: string, size: number) => Float32Array {
  return (name, size) => {
    let s = [...name].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0, causal ? 7 : 3);
    return Float32Array.from({ length: size }, () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return (s / 2 ** 32 - 0.5) * (name === 'lm_head' ? 0.4 : 0.8); });
  };
}
const model = (causal: boolean) => { const w = weights(causal); return buildTransformer(resolveModelConfig(config(causal)), (s) => w(s.name, s.shape.reduce((a, b) => a * b, 1))); };

async function lossAndGrads(backend: string, causal: boolean, make: () => TrainingObjective): Promise<{ loss: number; grads: Float32Array[] }> {
  await tf.setBackend(backend);
  const m = model(causal), objective = make();
  const vars = m.params.map((p) => p.variable);
  const x = tf.tensor2d(ids.slice(0, B * N), [B, N], 'int32');
  const { value, grads } = tf.variableGrads(() => objective.terms(m, x, createRng(5)).loss, vars);
  const out = { loss: (await value.data())[0]!, grads: await Promise.all(vars.map(async (v) => Float32Array.from(await grads[v.name]!.data()))) };
  tf.dispose([value, x, ...Object.values(grads)]);
  m.dispose();
  return out;
}

function source(): TokenBatchSource {
  let pos = 0;
  return { batchSize: B, seqLen: N, next: () => { const i = pos++ % 16; return ids.slice(i * B * N, (i + 1) * B * N); }, getPosition: () => pos, setPosition: (p) => { pos = p as number; }, batchesAt: (p) => p as number };
}

const objectives: [string, boolean, () => TrainingObjective][] = [
  ['masked', false, () => diffusionObjective(createObjective({ id: 'difflm/masked' }, tokens))],
  ['uniform', false, () => diffusionObjective(createObjective({ id: 'difflm/uniform' }, tokens))],
  ['hybrid', false, () => diffusionObjective(createObjective({ id: 'difflm/hybrid', options: { preset: 'balanced' } } as NoiseSpec, tokens))],
  ['autoregressive', true, () => autoregressiveObjective()],
];

describe.skipIf(!info.available)(title, () => {
  it.each(objectives)('%s: the loss and every parameter gradient', async (_name, causal, make) => {
    await startWebGpu();
    const cpu = await lossAndGrads('cpu', causal, make);
    const gpu = await lossAndGrads('webgpu', causal, make);
    expect(Math.abs(gpu.loss - cpu.loss) / Math.abs(cpu.loss)).toBeLessThan(1e-5);
    expect(Math.max(...gpu.grads.map((g, i) => relativeL2(g, cpu.grads[i]!)))).toBeLessThan(1e-4);
  }, 120_000);

  it.each([['laprop'], ['adamw']] as const)('a short %s training curve (masked noise) follows cpu\'s, leaking nothing', async (optimizer) => {
    await startWebGpu();
    // The global gradient norm is the sum of every parameter's squares (more tensors than a WebGPU shader may bind)
    // and decides the clip, so both are compared, with a clip threshold the first steps exceed.
    const curve = async (backend: string): Promise<{ loss: number; gradNorm: number }[]> => {
      await tf.setBackend(backend);
      const m = model(false), steps: { loss: number; gradNorm: number }[] = [];
      const t = createTrainer({ model: m, objective: objectives[0]![2](), data: source(), optimizer: { kind: optimizer }, schedule: { peakLr: 0.05, warmupSteps: 2 }, budget: { steps: 6 }, seed: 9, clipGradNorm: 1 });
      while (!t.done) { const r = await t.trainStep(); steps.push({ loss: r.loss, gradNorm: r.gradNorm }); }
      t.dispose();
      m.dispose();
      return steps;
    };
    const cpu = await curve('cpu');
    const gpu = await curve('webgpu');
    // A second run leaves no tensor behind (the first creates the objective's cached constants and kernels' tensors).
    await expectNoLeaks(async () => { await curve('webgpu'); });
    expect(gpu).toHaveLength(6);
    expect(cpu.some((s) => s.gradNorm > 1)).toBe(true);
    gpu.forEach((s, i) => {
      expect(Math.abs(s.loss - cpu[i]!.loss) / cpu[i]!.loss, `step ${i + 1} loss: ${s.loss} against ${cpu[i]!.loss}`).toBeLessThan(1e-3);
      expect(Math.abs(s.gradNorm - cpu[i]!.gradNorm) / cpu[i]!.gradNorm, `step ${i + 1} gradient norm: ${s.gradNorm} against ${cpu[i]!.gradNorm}`).toBeLessThan(1e-3);
    });
  }, 180_000);

  it('likelihood scoring of completions (masked ELBO and AR exact) and AR sampling give cpu\'s numbers and tokens', async () => {
    await startWebGpu();
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const items = [{ prompt: [1, 2, 3], completion: [4, 5] }, { prompt: [1, 2, 3], completion: [7, 0, 9] }];
      const bi = model(false), ar = model(true);
      const masked = await objectives[0]![2]().scoreCompletions(bi, items, { seqLen: N, seed: 3, levels: 8 });
      const exact = await autoregressiveObjective().scoreCompletions(ar, items, { seqLen: N, seed: 3 });
      const rows = await sampleAutoregressive(ar, { prompt: [1, 2], length: 5, numSamples: 2, rng: createRng(6), temperature: 0 });
      bi.dispose(); ar.dispose();
      return { masked: Array.from(masked), exact: Array.from(exact), rows: rows.map((r) => Array.from(r)) };
    };
    const cpu = await run('cpu'), gpu = await run('webgpu');
    gpu.masked.forEach((v, i) => expect(Math.abs(v - cpu.masked[i]!) / cpu.masked[i]!).toBeLessThan(1e-5));
    gpu.exact.forEach((v, i) => expect(Math.abs(v - cpu.exact[i]!) / cpu.exact[i]!).toBeLessThan(1e-5));
    expect(gpu.rows).toEqual(cpu.rows);
  }, 120_000);

  it('the bidirectional transformer under the samplers\' block attention: the same logits', async () => {
    await startWebGpu();
    const logits = async (backend: string): Promise<Float32Array> => {
      await tf.setBackend(backend);
      const m = model(false);
      const level = (j: number): number => (j < 3 ? 0 : j < 6 ? 1 : 2);
      const mask = Float32Array.from({ length: B * N * N }, (_, i) => (level(Math.floor(i / N) % N) >= level(i % N) ? 1 : 0));
      const x = tf.tensor2d(ids.slice(0, B * N), [B, N], 'int32'), a = tf.tensor3d(mask, [B, N, N]);
      const y = m.apply(x, a);
      const out = Float32Array.from(await y.data());
      tf.dispose([x, a, y]);
      m.dispose();
      return out;
    };
    expect(relativeL2(await logits('webgpu'), await logits('cpu'))).toBeLessThan(1e-5);
  }, 120_000);

  it('sampling (masked noise, adaptive, blocks after a prompt, prefix cache) draws the same tokens, leaking nothing', async () => {
    await startWebGpu();
    const run = async (backend: string): Promise<number[][]> => {
      await tf.setBackend(backend);
      const m = model(false), objective = createObjective({ id: 'difflm/masked' }, tokens);
      let rows: Int32Array[] = [];
      await expectNoLeaks(async () => {
        rows = await generate({ objective, denoise: (zt, mask) => m.apply(zt, mask), batchSize: 2, seqLen: N, steps: 3, sampler: 'adaptive', grid: 'cosine', temperature: 1, rng: createRng(4), prompt: [Int32Array.from([1, 2])], blockLength: 3, prefixDenoiser: m });
      });
      m.dispose();
      return rows.map((r) => Array.from(r));
    };
    expect(await run('webgpu')).toEqual(await run('cpu'));
  }, 120_000);
});
