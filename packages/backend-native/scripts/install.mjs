#!/usr/bin/env node
// Install step: build the Node-API addon with node-gyp. A failed build never fails the install — difflm then
// reports the native backend as unavailable and falls back to wasm; the reason is kept in build/INSTALL_NOTE.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// build/INSTALL_NOTE holds the fact only (what happened and why): it becomes the reason in difflm's
// "backend 'native' is not available: …" error, which adds the fix itself. The install log gets the advice too.
const note = (text, advice = '') => {
  mkdirSync(join(root, 'build'), { recursive: true });
  writeFileSync(join(root, 'build', 'INSTALL_NOTE'), `${text}\n`);
  console.log(`@difflm/backend-native: ${text}${advice ? `; ${advice}` : ''}`);
};

if (process.env.DIFFLM_SKIP_NATIVE_BUILD === '1') {
  note('native build skipped (DIFFLM_SKIP_NATIVE_BUILD=1)', 'difflm --backend auto uses wasm instead');
  process.exit(0);
}

// In the difflm monorepo every build is from source (a prebuilds/ folder there is only what the last `pnpm pack`
// left, and may be older than the sources).
const inMonorepo = existsSync(join(root, '..', '..', 'pnpm-workspace.yaml')) && existsSync(join(root, '..', '..', 'packages', 'cli'));

// The published tarball carries a prebuilt addon for linux-x64 (scripts/build-prebuilt.mjs, ADR 0007): when this
// machine can run it (glibc, AVX2 and FMA) and it loads, use it and compile nothing.
const prebuilt = join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'difflm_native.node');
if (!inMonorepo && existsSync(prebuilt) && process.env.DIFFLM_BUILD_FROM_SOURCE !== '1') {
  const cpuOk = process.arch !== 'x64' || (() => {
    try {
      const flags = readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1].split(/\s+/) ?? [];
      return flags.includes('avx2') && flags.includes('fma');
    } catch { return false; }
  })();
  const glibc = Boolean(process.report?.getReport?.().header?.glibcVersionRuntime);
  const loads = cpuOk && glibc && spawnSync(process.execPath, ['-e', `require(${JSON.stringify(prebuilt)}).info()`], { stdio: 'ignore' }).status === 0;
  if (loads) {
    note(`prebuilt addon in use (prebuilds/${process.platform}-${process.arch}, OpenBLAS linked in); DIFFLM_BUILD_FROM_SOURCE=1 reinstalls from source`);
    process.exit(0);
  }
  console.log(`@difflm/backend-native: the prebuilt addon cannot run here (${!cpuOk ? 'CPU without AVX2/FMA' : !glibc ? 'not glibc Linux' : 'it failed to load'}); building from source`);
}

// Up to date (the addon is newer than every source): keep it, so repeated installs neither rebuild nor
// remove the addon while another process is using it.
const addon = join(root, 'build', 'Release', 'difflm_native.node');
const sources = [join(root, 'binding.gyp'), ...readdirSync(join(root, 'native')).map((f) => join(root, 'native', f))];
if (existsSync(addon) && sources.every((f) => statSync(f).mtimeMs < statSync(addon).mtimeMs)) {
  console.log('@difflm/backend-native: native addon up to date');
  process.exit(0);
}

// OpenBLAS's headers: in the difflm monorepo, running as root on a Debian/Ubuntu machine, install them with apt
// before building (the README's first command then ends up on the native backend with no manual step);
// DIFFLM_NO_APT=1 turns this off. Everywhere else, say the exact command.
const cblasHeaders = ['/usr/include/x86_64-linux-gnu/cblas.h', '/usr/include/aarch64-linux-gnu/cblas.h', '/usr/include/cblas.h', '/usr/include/openblas/cblas.h'];
const hasCblas = () => cblasHeaders.some((f) => existsSync(f));
const hasApt = () => spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (process.platform === 'linux' && !hasCblas()) {
  if (inMonorepo && process.getuid?.() === 0 && process.env.DIFFLM_NO_APT !== '1' && hasApt()) {
    console.log('@difflm/backend-native: installing libopenblas-dev with apt-get (the native kernels build against it; DIFFLM_NO_APT=1 skips this)');
    const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env: aptEnv });
    const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'libopenblas-dev'], { stdio: ['ignore', 'ignore', 'inherit'], env: aptEnv });
    if (r.status !== 0) console.log(`@difflm/backend-native: apt-get install libopenblas-dev failed (exit ${r.status})`);
  } else {
    const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
    console.log(`@difflm/backend-native: OpenBLAS headers not found; for the fast CPU kernels run \`${sudo}apt-get install -y libopenblas-dev\` (Debian/Ubuntu) and reinstall`);
  }
}

// node-gyp: the package manager's own (npm_config_node_gyp), then PATH, then the copy bundled with npm.
const bundled = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
const candidates = [process.env.npm_config_node_gyp, bundled].filter((p) => p && existsSync(p));
const cmd = candidates.length > 0 ? [process.execPath, [candidates[0], 'rebuild']] : ['node-gyp', ['rebuild']];
const env = { ...process.env };
if (!env.npm_config_nodedir && existsSync('/usr/include/node/node_api.h')) env.npm_config_nodedir = '/usr';
const r = spawnSync(cmd[0], cmd[1], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env, encoding: 'utf8' });
if (r.status === 0) {
  note('native addon built (build/Release/difflm_native.node)');
} else {
  const why = r.error ? r.error.message : (r.stderr || r.stdout || '').split('\n').filter((l) => /error/i.test(l)).slice(0, 3).join(' | ');
  note(`native addon not built (${why || `node-gyp exited ${r.status}`})`, 'install libopenblas-dev, a C++ compiler and python3, then reinstall; until then difflm --backend auto uses wasm');
}
