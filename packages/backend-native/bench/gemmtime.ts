import * as tf from '@tensorflow/tfjs';
import { createTransformer } from '@difflm/models';
import { createRng } from '@difflm/noise';
import { loadAddon, registerNativeKernels } from '@difflm/backend-native';
import { maskedCorrupt, maskedDiffusionLoss } from './masked-diffusion-loss.js';
import { referenceConfigs } from './reference-configs.js';
const cfg = referenceConfigs.a;
const addon = loadAddon().addon! as any;
const stats = new Map<string, { ms: number; n: number }>();
for (const fn of ['gemm', 'attentionForward', 'attentionBackward', 'binary', 'unary', 'transpose', 'reduceInner', 'reduceOuter', 'softmax', 'stridedCopy', 'rmsNormForward', 'rmsNormBackward', 'biasSquaredRelu', 'biasSquaredReluBackward']) {
  const orig = addon[fn];
  addon[fn] = (...args: unknown[]) => { const t = performance.now(); orig(...args); const e = stats.get(fn) ?? { ms: 0, n: 0 }; e.ms += performance.now() - t; e.n++; stats.set(fn, e); };
}
registerNativeKernels(tf);
await tf.setBackend('native');
const model = createTransformer({ vocabSize: cfg.vocabSize, seqLen: cfg.seqLen, dModel: cfg.dModel, nLayers: cfg.nLayers, nHeads: cfg.nHeads }, { seed: 1 });
const vars = model.params.map((p) => p.variable);
const optimizer = tf.train.adam(1e-3);
const rng = createRng(7);
const x = new Int32Array(cfg.batch * cfg.seqLen).map(() => rng.int(cfg.vocabSize - 1));
const steps = 20;
let total = 0;
for (let s = 0; s < steps + 5; s++) {
  if (s === 5) { stats.clear(); total = 0; }
  const t = performance.now();
  const batch = maskedCorrupt(x, cfg.batch, cfg.seqLen, cfg.vocabSize - 1, rng);
  const l = optimizer.minimize(() => maskedDiffusionLoss(model.apply(batch.zt, null), batch) as tf.Scalar, true, vars)!;
  l.dataSync(); l.dispose(); tf.dispose([batch.zt, batch.x0, batch.weight]);
  total += performance.now() - t;
}
console.log('step ms', (total / steps).toFixed(1));
let sum = 0;
for (const [k, v] of [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms)) { sum += v.ms; console.log(k.padEnd(24), (v.ms / steps).toFixed(2), 'ms/step', (v.n / steps).toFixed(0), 'calls'); }
console.log('native total', (sum / steps).toFixed(1), 'pool', JSON.stringify((tf.backend() as any).poolStats()));
