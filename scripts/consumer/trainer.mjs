// Consumer check of @difflm/trainer: LaProp against a hand-computed step, a tiny causal model trained
// with the AR objective (loss must fall), and a resumable run directory through @difflm/trainer/node.
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLaProp, train, autoregressiveObjective } from '@difflm/trainer';
import { runTraining } from '@difflm/trainer/node';

await tf.setBackend('cpu');
const fail = (msg) => { console.error(`trainer consumer: ${msg}`); process.exit(1); };

// 1. LaProp step 1: β̃ = 0, so m = g/(|g|+ε) and θ ← θ − η·m.
const v = tf.variable(tf.tensor1d([1, -1]), true, 'consumer-v');
const opt = createLaProp({ beta1: 0.9, beta2: 0.99, epsilon: 1e-8 });
opt.update([{ name: 'v', group: 'bulk', variable: v }], { [v.name]: tf.tensor1d([0.5, -2]) }, { bulk: { lr: 0.1, weightDecay: 0 }, aux: { lr: 0, weightDecay: 0 } });
const got = Array.from(v.dataSync());
if (Math.abs(got[0] - 0.9) > 1e-5 || Math.abs(got[1] + 0.9) > 1e-5) fail(`LaProp first step gave ${got}, expected [0.9, -0.9]`);

// 2. A tiny causal bigram model learns a repeating sequence.
let id = 0;
function bigramModel(V, seed) {
  const E = tf.variable(tf.randomNormal([V, V], 0, 0.1, 'float32', seed), true, `bigram${id++}`);
  return {
    shape: { vocabSize: V, seqLen: 16, dModel: V, nLayers: 1, nHeads: 1, causal: true },
    params: [{ name: 'E', group: 'aux', variable: E }],
    apply: (tokens) => tf.tidy(() => tf.reshape(tf.matMul(tf.cast(tf.oneHot(tf.reshape(tokens, [-1]), V), 'float32'), E), [...tokens.shape, V])),
    flopsPerToken: () => 2 * V * V,
    dispose: () => E.dispose(),
  };
}
const V = 8;
const ids = Int32Array.from({ length: 4096 }, (_, i) => (i * 3) % V);
const source = () => {
  let pos = 0;
  return { batchSize: 4, seqLen: 16, next: () => { const s = (pos++ * 64) % 4000; return ids.slice(s, s + 64); }, getPosition: () => pos, setPosition: (p) => { pos = p; } };
};
const losses = [];
const model = bigramModel(V, 1);
await train({ model, objective: autoregressiveObjective(), data: source(), optimizer: { kind: 'adamw' }, schedule: { peakLr: 5, warmupSteps: 1 }, budget: { steps: 40 }, seed: 0, onStep: (m) => losses.push(m.loss) });
if (!(losses.at(-1) < 0.5 * losses[0])) fail(`AR loss did not fall: ${losses[0]} → ${losses.at(-1)}`);

// 3. A run directory with checkpoints and a final evaluation.
const runDir = join(mkdtempSync(join(tmpdir(), 'difflm-consumer-run-')), 'run');
const result = await runTraining({
  runDir,
  config: { model: { V }, objective: { kind: 'autoregressive' }, budget: { steps: 6 }, batchSize: 4, seqLen: 16, data: { dir: 'memory' }, schedule: { peakLr: 5, warmupSteps: 1 }, checkpointEvery: 3, eval: { batches: 1 } },
  components: {
    createModel: (m, { seed }) => bigramModel(m.V, seed),
    openData: () => ({ tokens: { vocabSize: V, maskId: null, padId: null }, bytesPerToken: 1, batches: () => source() }),
    createNoiseObjective: () => { throw new Error('not used'); },
  },
});
if (result.steps !== 6 || !(result.eval.elbo > 0)) fail(`runTraining result ${JSON.stringify(result)}`);
const metrics = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n');
if (metrics.length !== 6) fail(`metrics.jsonl has ${metrics.length} lines, expected 6`);
if (readdirSync(join(runDir, 'checkpoints')).join() !== 'step-00000003.ckpt,step-00000006.ckpt') fail('unexpected checkpoints');
console.log(`trainer ok: AR loss ${losses[0].toFixed(3)} → ${losses.at(-1).toFixed(3)}, run eval ${result.eval.elbo.toFixed(3)} nats/token`);
