// Consumer check for @difflm/backend-native: installs from its tarball, which carries a prebuilt addon for
// linux-x64 (OpenBLAS linked in, ADR 0007): on such a machine with AVX2/FMA it must be the one in use, with nothing
// compiled at install; elsewhere the addon builds at install when libopenblas-dev and a compiler are present. When it loads, a matmul and a softmax on the native backend must
// match plain JavaScript; when it does not, the package must say why and register nothing.
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { isNativeAvailable, nativeInfo, registerNativeKernels } from '@difflm/backend-native';

const pkgDir = dirname(createRequire(import.meta.url).resolve('@difflm/backend-native/package.json'));
const cpuFlags = process.platform === 'linux' && process.arch === 'x64' ? (readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1] ?? '').split(/\s+/) : [];
const cpuRunsPrebuilt = cpuFlags.includes('avx2') && cpuFlags.includes('fma');
if (cpuRunsPrebuilt) {
  if (!existsSync(join(pkgDir, 'prebuilds', 'linux-x64', 'difflm_native.node'))) throw new Error('the tarball carries no prebuilt addon for linux-x64');
  if (!existsSync(join(pkgDir, 'prebuilds', 'linux-x64', 'OPENBLAS-LICENSE'))) throw new Error('the prebuilt addon ships without OpenBLAS\'s licence');
  if (existsSync(join(pkgDir, 'build', 'Release'))) throw new Error('the install compiled the addon although the prebuilt one runs here');
}

const info = nativeInfo();
if (!isNativeAvailable()) {
  if (info.available || typeof info.reason !== 'string' || info.reason.length === 0) throw new Error('unavailable native backend gave no reason');
  if (registerNativeKernels(tf) !== false) throw new Error('registerNativeKernels must return false when the addon is unavailable');
  console.log(`backend-native: unavailable (${info.reason}) — fallback path ok`);
  process.exit(0);
}
if (cpuRunsPrebuilt && info.origin !== 'prebuilt') throw new Error(`expected the prebuilt addon in use, got ${info.origin}`);
if (!registerNativeKernels(tf)) throw new Error('registerNativeKernels returned false although the addon loads');
await tf.setBackend('native');
const a = [1, 2, 3, 4, 5, 6]; // [2, 3]
const b = [1, -1, 0.5, 2, -2, 1]; // [3, 2]
const got = await tf.matMul(tf.tensor2d(a, [2, 3]), tf.tensor2d(b, [3, 2])).data();
const want = [1 * 1 + 2 * 0.5 + 3 * -2, 1 * -1 + 2 * 2 + 3 * 1, 4 * 1 + 5 * 0.5 + 6 * -2, 4 * -1 + 5 * 2 + 6 * 1];
want.forEach((w, i) => { if (Math.abs(got[i] - w) > 1e-5) throw new Error(`matMul[${i}] = ${got[i]}, expected ${w}`); });
const sm = await tf.softmax(tf.tensor1d([0, Math.log(3)])).data();
if (Math.abs(sm[0] - 0.25) > 1e-6 || Math.abs(sm[1] - 0.75) > 1e-6) throw new Error(`softmax gave ${Array.from(sm)}`);
console.log(`backend-native: ok (${info.origin} addon, OpenBLAS ${info.corename}, ${info.parallel}, ${info.threads} threads)`);
