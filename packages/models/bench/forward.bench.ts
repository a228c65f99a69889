// Forward and forward+backward throughput of the transformer (tokens/s) on the wasm and cpu backends,
// for the reference model (2 layers, d = 128, 4 heads, vocab 256, batch 16 × 128) and a 6-layer d = 384
// model (wasm only; the cpu backend runs the reference model). Writes bench-results/models-forward.{json,md}. `--quick` runs fewer repetitions.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf, useBackend } from '@difflm/test-utils';
import type { Scalar, Tensor2D } from '@tensorflow/tfjs-core';
import { createTransformer, type ModelConfigInput } from '../src/index.js';

const quick = process.argv.includes('--quick');
const outDir = process.env.DIFFLM_BENCH_OUT ?? join(process.cwd(), 'bench-results');

interface Case { name: string; config: ModelConfigInput; batch: number; seq: number }
const cases: Case[] = [
  { name: 'reference L2-D128-H4 V256', config: { vocabSize: 256, seqLen: 128, dModel: 128, nLayers: 2, nHeads: 4 }, batch: 16, seq: 128 },
  { name: 'L6-D384-H6 V256', config: { vocabSize: 256, seqLen: 128, dModel: 384, nLayers: 6, nHeads: 6 }, batch: 16, seq: 128 },
];

interface Row { backend: string; model: string; batch: number; seq: number; forwardTokensPerSec: number; trainStepTokensPerSec: number; msPerForward: number; msPerTrainStep: number }

async function time(fn: () => Promise<void>, reps: number): Promise<number> {
  await fn(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await fn();
  return (performance.now() - t0) / reps;
}

const rows: Row[] = [];
for (const backend of ['wasm', 'cpu'] as const) {
  await useBackend(backend);
  // The pure-JavaScript cpu backend takes minutes per step on the larger model: reference model only.
  for (const c of backend === 'cpu' ? cases.slice(0, 1) : cases) {
    const model = createTransformer(c.config, { seed: 0 });
    const tokens = tf.tidy(() => tf.cast(tf.floor(tf.randomUniform([c.batch, c.seq], 0, c.config.vocabSize, 'float32', 1)), 'int32')) as Tensor2D;
    const vars = model.params.map((p) => p.variable);
    const reps = quick || backend === 'cpu' ? 1 : 3;
    const msF = await time(async () => { const y = model.apply(tokens); await y.data(); y.dispose(); }, reps);
    const msT = await time(async () => {
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(model.apply(tokens))) as Scalar, vars);
      await value.data();
      tf.dispose([value, ...Object.values(grads)]);
    }, reps);
    const n = c.batch * c.seq;
    rows.push({ backend, model: c.name, batch: c.batch, seq: c.seq, forwardTokensPerSec: (n / msF) * 1000, trainStepTokensPerSec: (n / msT) * 1000, msPerForward: msF, msPerTrainStep: msT });
    tokens.dispose();
    model.dispose();
  }
}

mkdirSync(outDir, { recursive: true });
const meta = { bench: 'models-forward', date: new Date().toISOString(), node: process.version, tfjs: tf.version.tfjs, quick };
writeFileSync(join(outDir, 'models-forward.json'), JSON.stringify({ ...meta, rows }, null, 2));
const md = [
  `# @difflm/models forward / train-step throughput (${meta.date}, node ${meta.node}, tfjs ${meta.tfjs})`,
  '',
  '| backend | model | batch × seq | forward tokens/s | fwd+bwd tokens/s | ms/forward | ms/fwd+bwd |',
  '|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.backend} | ${r.model} | ${r.batch} × ${r.seq} | ${r.forwardTokensPerSec.toFixed(0)} | ${r.trainStepTokensPerSec.toFixed(0)} | ${r.msPerForward.toFixed(1)} | ${r.msPerTrainStep.toFixed(1)} |`),
  '',
].join('\n');
writeFileSync(join(outDir, 'models-forward.md'), md);
process.stdout.write(md);
