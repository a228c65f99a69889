// Consumer check without a compiler (ADR 0007): @difflm/backend-native installed from its tarball into an empty
// project with CC/CXX pointing at a failing program and no OpenBLAS headers on the include path must still train on
// the native backend, through its prebuilt addon. Trains a tiny masked-diffusion transformer for a few steps and
// checks which backend and addon actually ran.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { selectBackend } from '@difflm/backends';
import { nativeInfo } from '@difflm/backend-native';
import { createTransformer } from '@difflm/models';
import { createObjective } from '@difflm/noise';
import { diffusionObjective, train } from '@difflm/trainer';

const fail = (msg) => { console.error(`consumer-nocc: ${msg}`); process.exit(1); };
const pkgDir = dirname(createRequire(import.meta.url).resolve('@difflm/backend-native/package.json'));
if (existsSync(join(pkgDir, 'build', 'Release'))) fail('the install compiled the addon (build/Release exists); it should have used the prebuilt one');
const selected = await selectBackend('native');
const tf = selected.tf;
if (tf.getBackend() !== 'native') fail(`backend in use is ${tf.getBackend()}, not native`);
const info = nativeInfo();
if (!info.available || info.origin !== 'prebuilt') fail(`native addon: ${JSON.stringify(info)}`);
const V = 32, N = 16;
const model = createTransformer({ vocabSize: V, seqLen: N, dModel: 32, nLayers: 1, nHeads: 2 }, { seed: 1 });
const tokens = { vocabSize: V, maskId: V - 1, padId: null };
const objective = diffusionObjective(createObjective({ id: 'difflm/masked' }, tokens));
const ids = Int32Array.from({ length: 8192 }, (_, i) => (i * 7) % (V - 1));
let pos = 0;
const data = { batchSize: 4, seqLen: N, next: () => { const s = (pos++ * 64) % 8000; return ids.slice(s, s + 64); }, getPosition: () => pos, setPosition: (p) => { pos = p; } };
const losses = [];
await train({ model, objective, data, optimizer: { kind: 'laprop' }, schedule: { peakLr: 0.3, warmupSteps: 2 }, budget: { steps: 12 }, seed: 0, onStep: (m) => losses.push(m.elbo) });
if (losses.length !== 12 || !losses.every(Number.isFinite)) fail(`training gave ${losses}`);
if (!(losses.at(-1) < losses[0])) fail(`the ELBO did not fall: ${losses[0]} → ${losses.at(-1)}`);
console.log(`consumer-nocc: trained 12 steps on ${selected.description} (prebuilt addon, no compiler), ELBO ${losses[0].toFixed(3)} → ${losses.at(-1).toFixed(3)}`);
