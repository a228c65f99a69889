// Training and sampling throughput of the full trainer step (masked diffusion objective of @difflm/noise,
// corruption + forward + loss + backward + LaProp update) on the wasm backend (the embedded default):
// the reference model (2 layers, d = 128, 4 heads, vocab 256, batch 16 × 128) and a 6-layer d = 384 model
// (falls back to the cpu backend if wasm fails), plus generated tokens/s of the diffusion samplers and
// of the AR baseline. Writes bench-results/train.{json,md}. `--quick` times fewer steps.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf, useBackend, type TestBackend } from '@difflm/test-utils';
import { createTransformer, type ModelConfigInput } from '@difflm/models';
import { createObjective, createRng, generate, type SamplerKind } from '@difflm/noise';
import { createTrainer, diffusionObjective, sampleAutoregressive, type TokenBatchSource, type TrainableModel } from '../src/index.js';

const quick = process.argv.includes('--quick');
const outDir = process.env.DIFFLM_BENCH_OUT ?? join(process.cwd(), 'bench-results');
const V = 256;
const tokens = { vocabSize: V, maskId: V - 1, padId: V - 2 };

function randomSource(batchSize: number, seqLen: number): TokenBatchSource {
  const rng = createRng(1);
  let pos = 0;
  return { batchSize, seqLen, next: () => { pos++; return Int32Array.from({ length: batchSize * seqLen }, () => rng.int(V - 2)); }, getPosition: () => pos, setPosition: (p) => { pos = p as number; } };
}

interface TrainRow { backend: string; model: string; params: number; batch: string; steps: number; msPerStep: number; tokensPerSec: number; note: string }
interface SampleRow { backend: string; model: string; sampler: string; batch: number; seqLen: number; steps: number; tokensPerSec: number }

async function trainRow(backend: TestBackend, name: string, config: ModelConfigInput, steps: number, note = ''): Promise<TrainRow> {
  await useBackend(backend);
  const model = createTransformer(config, { seed: 0 });
  const trainer = createTrainer({
    model, objective: diffusionObjective(createObjective({ id: 'difflm/masked' }, tokens)), data: randomSource(16, 128),
    optimizer: { kind: 'laprop' }, schedule: { peakLr: 0.3, warmupSteps: 10 }, budget: { steps: steps + 1 }, seed: 0,
  });
  try {
    await trainer.trainStep(); // warm-up (kernel compilation, moment allocation)
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await trainer.trainStep();
    const ms = (performance.now() - t0) / steps;
    return { backend, model: name, params: model.paramCount(), batch: '16 × 128', steps, msPerStep: ms, tokensPerSec: (16 * 128 * 1000) / ms, note };
  } finally {
    trainer.dispose();
    model.dispose();
  }
}

const reference: ModelConfigInput = { vocabSize: V, seqLen: 128, dModel: 128, nLayers: 2, nHeads: 4 };
const big: ModelConfigInput = { vocabSize: V, seqLen: 128, dModel: 384, nLayers: 6, nHeads: 6 };
const train: TrainRow[] = [];
train.push(await trainRow('wasm', 'L2-D128-H4 (reference)', reference, quick ? 3 : 10));
try {
  train.push(await trainRow('wasm', 'L6-D384-H6', big, quick ? 1 : 3));
} catch (e) {
  const why = (e as Error).message.split('\n')[0]!.slice(0, 120);
  train.push(await trainRow('cpu', 'L6-D384-H6', big, 1, `wasm failed: ${why}`));
}

// Sampling: generated tokens per second with the reference model (untrained weights: speed only).
await useBackend('wasm');
const sample: SampleRow[] = [];
{
  const model: TrainableModel = createTransformer(reference, { seed: 0 });
  const objective = createObjective({ id: 'difflm/masked' }, tokens);
  const B = 4, N = 128, steps = quick ? 16 : 64;
  for (const sampler of ['ancestral', 'adaptive'] as SamplerKind[]) {
    const t0 = performance.now();
    await generate({ objective, denoise: (zt, mask) => model.apply(zt, mask), batchSize: B, seqLen: N, steps, sampler, grid: 'cosine', rng: createRng(0) });
    sample.push({ backend: 'wasm', model: 'L2-D128-H4 masked', sampler, batch: B, seqLen: N, steps, tokensPerSec: (B * N * 1000) / (performance.now() - t0) });
  }
  model.dispose();
  const ar = createTransformer({ ...reference, causal: true }, { seed: 0 });
  const length = quick ? 32 : 127;
  const t0 = performance.now();
  await sampleAutoregressive(ar, { prompt: [0], length, numSamples: B, rng: createRng(0) });
  sample.push({ backend: 'wasm', model: 'L2-D128-H4 causal', sampler: 'autoregressive (no KV cache)', batch: B, seqLen: length + 1, steps: length, tokensPerSec: (B * length * 1000) / (performance.now() - t0) });
  ar.dispose();
}

mkdirSync(outDir, { recursive: true });
const meta = { bench: 'train', date: new Date().toISOString(), node: process.version, tfjs: tf.version.tfjs, quick };
writeFileSync(join(outDir, 'train.json'), JSON.stringify({ ...meta, train, sample }, null, 2));
const md = [
  `# @difflm/trainer training and sampling throughput (${meta.date}, node ${meta.node}, tfjs ${meta.tfjs}${quick ? ', --quick' : ''})`,
  '',
  'Full trainer step: masked-diffusion corruption, forward, loss, backward, LaProp update.',
  '',
  '| backend | model | params | batch | timed steps | ms/step | training tokens/s | note |',
  '|---|---|---:|---|---:|---:|---:|---|',
  ...train.map((r) => `| ${r.backend} | ${r.model} | ${r.params} | ${r.batch} | ${r.steps} | ${r.msPerStep.toFixed(0)} | ${r.tokensPerSec.toFixed(0)} | ${r.note} |`),
  '',
  '| backend | model | sampler | batch × length | denoising steps | generated tokens/s |',
  '|---|---|---|---|---:|---:|',
  ...sample.map((r) => `| ${r.backend} | ${r.model} | ${r.sampler} | ${r.batch} × ${r.seqLen} | ${r.steps} | ${r.tokensPerSec.toFixed(0)} |`),
  '',
].join('\n');
writeFileSync(join(outDir, 'train.md'), md);
process.stdout.write(md);
