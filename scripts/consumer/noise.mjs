// Consumer check for @difflm/noise: installed from its tarball, used from plain ESM.
import * as tf from '@tensorflow/tfjs';
import { createObjective, createRng, generate, createNoiseRegistry, linearSchedule } from '@difflm/noise';
import { runNoiseConformance } from '@difflm/noise/testing';

await tf.setBackend('cpu');
const fail = (msg) => { console.error(`noise consumer: ${msg}`); process.exit(1); };
const tokens = { vocabSize: 16, maskId: 15, padId: 14 };

// p(λ) = σ'(λ) at λ = 0 is exactly 1/4 (SPEC §1.2).
if (linearSchedule().density(0) !== 0.25) fail('linear p(0) != 0.25');
if (!createNoiseRegistry().ids().includes('difflm/gidd')) fail('built-in gidd missing');

const objective = createObjective({ id: 'difflm/masked' }, tokens, { promptFraction: 0 });
const x = tf.tensor2d(Int32Array.from({ length: 64 }, (_, i) => i % 14), [4, 16], 'int32');
const batch = objective.corrupt(x, createRng(1));
// A uniform denoiser over the 15 non-mask tokens: MDLM loss = log(15)/t per masked token, so the ELBO is positive.
const out = objective.loss(tf.zeros([4, 16, 16]), batch);
const elbo = out.elbo.dataSync()[0];
if (!(elbo > 0 && Number.isFinite(elbo))) fail(`elbo ${elbo}`);
const grad = tf.grad((l) => objective.loss(l, batch).loss)(tf.randomNormal([4, 16, 16]));
if (!grad.dataSync().every(Number.isFinite)) fail('gradient not finite');

const target = Int32Array.from({ length: 8 }, (_, j) => j + 2);
const rows = await generate({
  objective, batchSize: 2, seqLen: 8, steps: 8, sampler: 'adaptive', grid: 'cosine', temperature: 0, rng: createRng(2),
  denoise: (zt) => tf.tidy(() => tf.oneHot(tf.tensor2d([...target, ...target], [2, 8], 'int32'), 16).cast('float32').mul(10)),
});
if (!rows.every((r) => r.every((v, j) => v === target[j]))) fail(`generate returned ${rows.map((r) => Array.from(r))}`);

const report = await runNoiseConformance((await import('@difflm/noise')).hybridNoise);
if (report.failed.length) fail(`conformance failed: ${JSON.stringify(report.failed)}`);
console.log(`noise consumer ok: elbo ${elbo.toFixed(3)} nats/token, ${report.passed.length} conformance checks`);
