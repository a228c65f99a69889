// Per-kernel time of one training step (tf.profile), to see which kernels dominate:
//   node --conditions=@difflm/source --import tsx profile-step.ts <a|b> <native|cpu>
import * as tf from '@tensorflow/tfjs';
import { createTransformer } from '@difflm/models';
import { createRng } from '@difflm/noise';
import { registerNativeKernels } from '@difflm/backend-native';
import { maskedCorrupt, maskedDiffusionLoss } from './masked-diffusion-loss.js';
import { referenceConfigs } from './reference-configs.js';

const [name = 'a', backend = 'native'] = process.argv.slice(2);
const cfg = referenceConfigs[name as keyof typeof referenceConfigs];
registerNativeKernels(tf);
await tf.setBackend(backend);
const model = createTransformer({ vocabSize: cfg.vocabSize, seqLen: cfg.seqLen, dModel: cfg.dModel, nLayers: cfg.nLayers, nHeads: cfg.nHeads }, { seed: 1 });
const vars = model.params.map((p) => p.variable);
const optimizer = tf.train.adam(1e-3);
const rng = createRng(7);
const x = new Int32Array(cfg.batch * cfg.seqLen).map(() => rng.int(cfg.vocabSize - 1));
const step = (): void => {
  const batch = maskedCorrupt(x, cfg.batch, cfg.seqLen, cfg.vocabSize - 1, rng);
  const loss = optimizer.minimize(() => maskedDiffusionLoss(model.apply(batch.zt, null), batch), true, vars);
  loss!.dataSync();
  tf.dispose([loss!, batch.zt, batch.x0, batch.weight]);
};
step();
const info = await tf.profile(step);
const byName = new Map<string, { ms: number; n: number }>();
for (const k of info.kernels) {
  const e = byName.get(k.name) ?? { ms: 0, n: 0 };
  e.ms += k.kernelTimeMs as number;
  e.n += 1;
  byName.set(k.name, e);
}
const rows = [...byName.entries()].sort((p, q) => q[1].ms - p[1].ms);
const total = rows.reduce((s, [, e]) => s + e.ms, 0);
console.log(`total kernel ms ${total.toFixed(0)} over ${info.kernels.length} kernels; peak tensor MB ${(info.peakBytes / 2 ** 20).toFixed(0)}; rss MB ${(process.resourceUsage().maxRSS / 1024).toFixed(0)}`);
for (const [k, e] of rows.slice(0, 25)) console.log(`${k.padEnd(22)} ${e.ms.toFixed(1).padStart(8)} ms  x${e.n}`);
