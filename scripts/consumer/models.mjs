// Consumer check for @difflm/models: build, run, train a few steps, count, save and load, from the package.
import * as tf from '@tensorflow/tfjs';
import { causalLmLoss, createTransformer, deserializeModel, paperModelConfig, paperParamCount, serializeModel } from '@difflm/models';

const fail = (msg) => { console.error(`models consumer: ${msg}`); process.exit(1); };
await tf.setBackend('cpu');

if (paperParamCount(paperModelConfig('L8-D512')) !== 25_223_680) fail('paper parameter count of L8-D512 is wrong');

const model = createTransformer({ vocabSize: 16, seqLen: 8, dModel: 16, nLayers: 1, nHeads: 2, causal: true }, { seed: 1 });
const tokens = tf.tensor2d([[1, 2, 3, 4, 5, 6, 7, 8], [8, 7, 6, 5, 4, 3, 2, 1]], [2, 8], 'int32');
const logits = model.apply(tokens);
if (logits.shape.join() !== '2,8,16') fail(`logits shape ${logits.shape}`);
const total = model.params.reduce((a, p) => a + p.variable.size, 0);
if (total !== model.paramCount()) fail(`parameter count ${total} != ${model.paramCount()}`);

// a few SGD steps (small LR: the output scale 512/d is large) on a fixed batch: the next-token loss must fall
const vars = model.params.map((p) => p.variable);
const lossAt = () => tf.tidy(() => causalLmLoss(model.apply(tokens), tokens).dataSync()[0]);
const first = lossAt();
for (let step = 0; step < 20; step++) {
  tf.tidy(() => {
    const { grads } = tf.variableGrads(() => causalLmLoss(model.apply(tokens), tokens), vars);
    for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name], 0.01)));
  });
}
const last = lossAt();
if (!(last < first - 0.1)) fail(`loss did not fall: ${first} → ${last}`);

const { manifest, weights } = await serializeModel(model, { tokenizer: 'bytes' });
const back = deserializeModel(JSON.parse(JSON.stringify(manifest)), weights);
const a = model.apply(tokens).dataSync(), b = back.apply(tokens).dataSync();
if (a.some((x, i) => x !== b[i])) fail('logits differ after a save/load round trip');
let threw = false;
try { deserializeModel(manifest, weights.subarray(0, 10)); } catch (e) { threw = /truncated/.test(e.message); }
if (!threw) fail('truncated weights were not rejected');
console.log(`models consumer ok: ${total} parameters, next-token loss ${first.toFixed(3)} → ${last.toFixed(3)}`);
