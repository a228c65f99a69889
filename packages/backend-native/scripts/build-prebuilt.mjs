#!/usr/bin/env node
// Builds the prebuilt addon the published tarball carries (ADR 0007): prebuilds/linux-x64/difflm_native.node, for
// glibc Linux on x86-64 with AVX2 and FMA (x86-64-v3), with Debian's static OpenBLAS (DYNAMIC_ARCH: it picks its
// sgemm kernel for the CPU at load time) linked in, so installing the package needs neither a compiler nor
// libopenblas. Runs before `pnpm pack` / publish (prepack); needs g++ and libopenblas-dev on the packing machine,
// and fails the pack without them rather than publish a package without its binary.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fail = (msg) => { console.error(`@difflm/backend-native prebuilt: ${msg}`); process.exit(1); };
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.log(`@difflm/backend-native prebuilt: built only on linux-x64 (this is ${process.platform}-${process.arch}); the tarball will carry none`);
  process.exit(0);
}
const staticBlas = ['/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.a', '/usr/lib/x86_64-linux-gnu/libopenblas.a'].find((f) => existsSync(f));
const license = ['/usr/share/doc/libopenblas0-pthread/copyright', '/usr/share/doc/libopenblas-dev/copyright'].find((f) => existsSync(f));
if (!staticBlas || !license) fail('needs Debian\'s static OpenBLAS and its licence (apt-get install libopenblas-dev)');

const outDir = join(root, 'prebuilds', 'linux-x64');
const out = join(outDir, 'difflm_native.node');
const sources = readdirSync(join(root, 'native')).filter((f) => f.endsWith('.cc')).map((f) => join(root, 'native', f));
if (existsSync(out) && [...sources, ...readdirSync(join(root, 'native')).map((f) => join(root, 'native', f)), fileURLToPath(import.meta.url)].every((f) => statSync(f).mtimeMs < statSync(out).mtimeMs)) {
  console.log('@difflm/backend-native prebuilt: up to date');
  process.exit(0);
}
const require = createRequire(import.meta.url);
const napiInclude = require('node-addon-api').include_dir;
const nodeInclude = ['/usr/include/node', join(dirname(process.execPath), '..', 'include', 'node')].find((d) => existsSync(join(d, 'node_api.h')));
if (!nodeInclude) fail('Node-API headers not found (node_api.h)');
mkdirSync(outDir, { recursive: true });
const tmp = join(outDir, `difflm_native.tmp-${process.pid}.node`);
const args = [
  '-shared', '-fPIC', '-O3', '-march=x86-64-v3', '-mtune=generic', '-fno-math-errno', '-fno-trapping-math', '-fopenmp-simd', '-std=c++17', '-pthread',
  `-I${napiInclude}`, `-I${nodeInclude}`, '-DNAPI_VERSION=8', '-DNAPI_DISABLE_CPP_EXCEPTIONS',
  ...sources, '-o', tmp, staticBlas, '-static-libstdc++', '-static-libgcc', '-Wl,--exclude-libs,ALL', '-s',
];
console.log('@difflm/backend-native prebuilt: compiling linux-x64 (x86-64-v3, static OpenBLAS) …');
const r = spawnSync(process.env.CXX ?? 'g++', args, { stdio: 'inherit' });
if (r.status !== 0) { rmSync(tmp, { force: true }); fail(`g++ exited ${r.status ?? r.error?.message}`); }
const check = spawnSync(process.execPath, ['-e', `const a = require(${JSON.stringify(tmp)}); if (!a.info().corename) process.exit(1)`], { stdio: 'inherit' });
if (check.status !== 0) { rmSync(tmp, { force: true }); fail('the built addon does not load'); }
renameSync(tmp, out);
copyFileSync(license, join(outDir, 'OPENBLAS-LICENSE'));
writeFileSync(join(outDir, 'README'), 'difflm_native.node: the @difflm/backend-native addon for glibc Linux on x86-64 with AVX2+FMA (x86-64-v3),\nwith OpenBLAS (BSD-3-Clause, see OPENBLAS-LICENSE) statically linked. Built by scripts/build-prebuilt.mjs.\n');
console.log(`@difflm/backend-native prebuilt: ${out} (${(statSync(out).size / 1e6).toFixed(1)} MB)`);
