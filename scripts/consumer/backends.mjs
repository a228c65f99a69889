// Consumer check for @difflm/backends: wasm and cpu load and agree; a missing GPU backend explains itself.
import { describeBackend, selectBackend } from '@difflm/backends';

const fail = (msg) => { console.error(`backends consumer: ${msg}`); process.exit(1); };
const product = (tf) => Array.from(tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]])).dataSync());

const wasm = await selectBackend('wasm');
if (wasm.tf.getBackend() !== 'wasm') fail(`wasm not active: ${wasm.tf.getBackend()}`);
if (product(wasm.tf).join() !== '17,39') fail('wasm matMul is wrong');
const cpu = await selectBackend('cpu');
if (product(cpu.tf).join() !== '17,39') fail('cpu matMul is wrong');
if (describeBackend() !== cpu.description) fail('describeBackend does not describe the selected backend');

const gpu = await selectBackend('tensorflow-gpu').then((s) => s, (e) => e);
if (gpu instanceof Error && !/npm install @tensorflow\/tfjs-node-gpu/.test(gpu.message)) fail(`unexpected error: ${gpu.message}`);
const auto = await selectBackend('auto');
console.log(`backends consumer ok: auto → ${auto.description}`);
