import * as tf from '@tensorflow/tfjs';
import { createTransformer, setFusedKernelsEnabled, fusedKernelActive } from '@difflm/models';
import { registerNativeKernels } from '@difflm/backend-native';
const [name = 'a'] = process.argv.slice(2);
registerNativeKernels(tf);
await tf.setBackend('native');
const cfgs: Record<string, any> = { a: { vocabSize: 256, seqLen: 128, dModel: 128, nLayers: 2, nHeads: 4, B: 4 }, c: { vocabSize: 64, seqLen: 16, dModel: 32, nLayers: 2, nHeads: 2, B: 2, causal: true } };
const c = cfgs[name];
const model = createTransformer({ vocabSize: c.vocabSize, seqLen: c.seqLen, dModel: c.dModel, nLayers: c.nLayers, nHeads: c.nHeads, causal: c.causal }, { seed: 3 });
// make zero-init params nonzero so every gradient path matters
for (const p of model.params) p.variable.assign(tf.add(p.variable, tf.randomNormal(p.variable.shape, 0, 0.3, 'float32', 5)));
const tokens = tf.tensor2d(Array.from({ length: c.B * c.seqLen }, (_, i) => (i * 7919) % c.vocabSize), [c.B, c.seqLen], 'int32');
const vars = model.params.map((p) => p.variable);
function run(fused: boolean) {
  setFusedKernelsEnabled(fused);
  console.log('fused attention active:', fusedKernelActive('attention'));
  const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(model.apply(tokens, null))) as tf.Scalar, vars);
  return { value: value.dataSync()[0], grads: model.params.map((p) => grads[p.variable.name]!.dataSync()) };
}
const f = run(true), r = run(false);
console.log('loss', f.value, r.value);
let worst = 0;
model.params.forEach((p, i) => {
  const a = f.grads[i]!, b = r.grads[i]!;
  let num = 0, den = 0;
  for (let j = 0; j < a.length; j++) { num += (a[j]! - b[j]!) ** 2; den += b[j]! ** 2; }
  const rel = Math.sqrt(num / Math.max(den, 1e-30));
  worst = Math.max(worst, rel);
  if (rel > 1e-4) console.log('  ', p.name, rel.toExponential(2), Math.sqrt(den).toExponential(2));
});
console.log('worst rel grad err', worst.toExponential(2));
