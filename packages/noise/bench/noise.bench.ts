// Corruption + loss throughput (tokens/s) of @difflm/noise at V = 256 and V = 32,768 on the wasm and cpu
// backends: corrupt() alone, corrupt() + loss() forward, and corrupt() + loss() + gradient w.r.t. the logits.
// Writes bench-results/noise.{json,md}. `--quick` runs one repetition.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { tf, useBackend } from '@difflm/test-utils';
import { createObjective, createRng, type TokenSpace } from '../src/index.js';

const quick = process.argv.includes('--quick');
const outDir = process.env.DIFFLM_BENCH_OUT ?? join(process.cwd(), 'bench-results');

interface Case { V: number; batch: number; seq: number }
const cases: Case[] = [{ V: 256, batch: 16, seq: 128 }, { V: 32768, batch: 4, seq: 64 }];
interface Row { backend: string; noise: string; V: number; batch: number; seq: number; corruptTokensPerSec: number; lossTokensPerSec: number; lossGradTokensPerSec: number; msPerLossGrad: number }

async function time(fn: () => void, reps: number): Promise<number> {
  fn(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t0) / reps;
}

const rows: Row[] = [];
for (const backend of ['wasm', 'cpu'] as const) {
  await useBackend(backend);
  for (const c of cases) {
    const tokens: TokenSpace = { vocabSize: c.V, maskId: c.V - 1, padId: c.V - 2 };
    const obj = createObjective({ id: 'difflm/hybrid', options: { preset: 'balanced' } }, tokens);
    const rng = createRng(0);
    const x = tf.tensor2d(Int32Array.from({ length: c.batch * c.seq }, () => rng.int(c.V - 2)), [c.batch, c.seq], 'int32');
    const logits = tf.randomNormal([c.batch, c.seq, c.V], 0, 1, 'float32', 1) as tf.Tensor3D;
    const reps = quick || (backend === 'cpu' && c.V > 1000) ? 1 : 3;
    const msCorrupt = await time(() => obj.corrupt(x, rng).dispose(), reps);
    const msLoss = await time(() => {
      const b = obj.corrupt(x, rng);
      const l = obj.loss(logits, b);
      l.loss.dataSync();
      tf.dispose([l.loss, l.elbo, l.kl, l.is, l.numNoisy]); b.dispose();
    }, reps);
    const msGrad = await time(() => {
      const b = obj.corrupt(x, rng);
      const { value, grad } = tf.valueAndGrad((lg: tf.Tensor) => obj.loss(lg as tf.Tensor3D, b).loss)(logits);
      grad.dataSync();
      tf.dispose([value, grad]); b.dispose();
    }, reps);
    const n = c.batch * c.seq;
    rows.push({ backend, noise: 'difflm/hybrid balanced', V: c.V, batch: c.batch, seq: c.seq, corruptTokensPerSec: (n / msCorrupt) * 1000, lossTokensPerSec: (n / msLoss) * 1000, lossGradTokensPerSec: (n / msGrad) * 1000, msPerLossGrad: msGrad });
    tf.dispose([x, logits]);
  }
}

mkdirSync(outDir, { recursive: true });
const meta = { bench: 'noise', date: new Date().toISOString(), node: process.version, tfjs: tf.version.tfjs, quick };
writeFileSync(join(outDir, 'noise.json'), JSON.stringify({ ...meta, rows }, null, 2));
const md = [
  `# @difflm/noise corruption + loss throughput (${meta.date}, node ${meta.node}, tfjs ${meta.tfjs}${quick ? ', quick' : ''})`,
  '',
  'Training-time corruption (prompt conditioning, per-token λ, empty tokens on) and the GIDD loss; tokens/s counts B × N.',
  '',
  '| backend | V | batch × seq | corrupt tokens/s | corrupt+loss tokens/s | corrupt+loss+grad tokens/s | ms per loss+grad |',
  '|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.backend} | ${r.V} | ${r.batch} × ${r.seq} | ${r.corruptTokensPerSec.toFixed(0)} | ${r.lossTokensPerSec.toFixed(0)} | ${r.lossGradTokensPerSec.toFixed(0)} | ${r.msPerLossGrad.toFixed(1)} |`),
  '',
].join('\n');
writeFileSync(join(outDir, 'noise.md'), md);
process.stdout.write(md);
