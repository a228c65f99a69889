// One training-speed measurement in its own process (so peak RSS is per config):
//   node --conditions=@difflm/source --import tsx train-worker.ts <config> <native|cpu|wasm|webgpu> <steps> <warmup>
// Prints one JSON line: median tokens/s, step times, losses, peak RSS (and on webgpu the adapter).
// Each step ends by reading its loss asynchronously (`await loss.data()`): on a GPU that read waits for the step's
// kernels, so the step time includes the GPU's work (and WebGPU in Node has no synchronous read).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createTransformer, setFusedKernelsEnabled } from '@difflm/models';
import { createRng } from '@difflm/noise';
import { createAdamW } from '@difflm/trainer';
import { nativeInfo, registerNativeKernels } from '@difflm/backend-native';
import { maskedCorrupt, maskedDiffusionLoss } from './masked-diffusion-loss.js';
import { referenceConfigs, trainFlopsPerToken } from './reference-configs.js';

const [name = 'a', backend = 'native', stepsArg = '6', warmupArg = '2'] = process.argv.slice(2);
const cfg = referenceConfigs[name as keyof typeof referenceConfigs];
if (!cfg) throw new Error(`config must be one of ${Object.keys(referenceConfigs).join(', ')}, got '${name}'`);
const poolBytes = process.env.DIFFLM_POOL_BYTES ? Number(process.env.DIFFLM_POOL_BYTES) : undefined;
const elementwiseThreads = process.env.DIFFLM_ELEMENTWISE_THREADS ? Number(process.env.DIFFLM_ELEMENTWISE_THREADS) : undefined;
const BACKENDS = ['native', 'wasm', 'cpu', 'webgpu'];
if (!BACKENDS.includes(backend)) throw new Error(`backend must be one of ${BACKENDS.join(', ')}, got '${backend}'`);
if (backend === 'native' && !registerNativeKernels(tf, { poolBytes, elementwiseThreads })) throw new Error(`native backend unavailable: ${JSON.stringify(nativeInfo())}`);
let adapter: { line: string; software: boolean } | undefined;
let webgpuModule: typeof import('@difflm/backend-webgpu') | undefined;
if (backend === 'webgpu') {
  // A devDependency of this package, imported only here: @difflm/backend-native itself does not depend on it.
  const webgpu = await import('@difflm/backend-webgpu');
  webgpuModule = webgpu;
  const info = await webgpu.startWebGpu();
  adapter = { line: webgpu.describeAdapter(info), software: info.software };
  console.error(`webgpu adapter: ${adapter.line}`);
}
if (!(await tf.setBackend(backend))) throw new Error(`backend '${backend}' failed to initialise`);
await tf.ready();
// A kernel the GPU rejects leaves its output unwritten (read as zeros): the step would be timed on nothing. Stop instead.
webgpuModule?.failOnGpuErrors(tf.backend(), (e) => { console.error(`Error: ${e.message}`); process.exit(1); });
// DIFFLM_FUSED_KERNELS=0: the model's composite tf-op graph instead of the backend's fused kernels (bench:train compares the two on a GPU).
if (process.env.DIFFLM_FUSED_KERNELS === '0') setFusedKernelsEnabled(false);

const model = createTransformer({ vocabSize: cfg.vocabSize, seqLen: cfg.seqLen, dModel: cfg.dModel, nLayers: cfg.nLayers, nHeads: cfg.nHeads }, { seed: 1 });
const vars = model.params.map((p) => p.variable);
// difflm's AdamW with no weight decay: Adam, as the PyTorch reference uses (torch.optim.Adam, lr 1e-3, ε 1e-8).
const optimizer = createAdamW({ beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
const groups = { bulk: { lr: 1e-3, weightDecay: 0 }, aux: { lr: 1e-3, weightDecay: 0 } };
const rng = createRng(7);
const maskId = cfg.vocabSize - 1;
const steps = Number(stepsArg);
const warmup = Number(warmupArg);
const stepMs: number[] = [];
const cpuMs: number[] = [];
const losses: number[] = [];
for (let s = 0; s < warmup + steps; s++) {
  const x = new Int32Array(cfg.batch * cfg.seqLen);
  for (let i = 0; i < x.length; i++) x[i] = rng.int(maskId);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const batch = maskedCorrupt(x, cfg.batch, cfg.seqLen, maskId, rng);
  const { value: loss, grads } = tf.variableGrads(() => maskedDiffusionLoss(model.apply(batch.zt, null), batch), vars);
  optimizer.update(model.params, grads, groups);
  const value = (await loss.data())[0]!;
  tf.dispose([loss, ...Object.values(grads)]);
  tf.dispose([batch.zt, batch.x0, batch.weight]);
  const ms = performance.now() - t0;
  losses.push(value);
  const c = process.cpuUsage(c0);
  if (s >= warmup) {
    stepMs.push(ms);
    cpuMs.push((c.user + c.system) / 1000);
  }
}
// Timings of a step that computed nothing are not a measurement: the losses must be finite and must move.
if (!losses.every(Number.isFinite) || losses.every((l) => l === losses[0])) throw new Error(`the losses are not a training curve (${losses.slice(0, 4).join(', ')}…): the step computed nothing useful`);
const sorted = [...stepMs].sort((p, q) => p - q);
const medianMs = sorted[Math.floor(sorted.length / 2)]!;
const tokens = cfg.batch * cfg.seqLen;
const tokensPerSec = tokens / (medianMs / 1000);
console.log(JSON.stringify({
  config: name, backend, ...(adapter ? { adapter: adapter.line, software: adapter.software } : {}), tokensPerSec, gflops: (tokensPerSec * trainFlopsPerToken(cfg)) / 1e9, stepMs, cpuMs, losses,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
  pool: (tf.backend() as unknown as { poolStats?: () => unknown }).poolStats?.(), numTensors: tf.memory().numTensors,
}));
// Dawn's device keeps the event loop alive; the result is out (a pipe write is synchronous on Linux).
if (backend === 'webgpu') process.exit(0);
