#!/usr/bin/env node
// Install step: build the Node-API addon with node-gyp. A failed build never fails the install — difflm then
// reports the native backend as unavailable and falls back to wasm; the reason is kept in build/INSTALL_NOTE.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const note = (text) => {
  mkdirSync(join(root, 'build'), { recursive: true });
  writeFileSync(join(root, 'build', 'INSTALL_NOTE'), `${text}\n`);
  console.log(`@difflm/backend-native: ${text}`);
};

if (process.env.DIFFLM_SKIP_NATIVE_BUILD === '1') {
  note('native build skipped (DIFFLM_SKIP_NATIVE_BUILD=1); difflm will use the wasm backend');
  process.exit(0);
}

// Up to date (the addon is newer than every source): keep it, so repeated installs neither rebuild nor
// remove the addon while another process is using it.
const addon = join(root, 'build', 'Release', 'difflm_native.node');
const sources = [join(root, 'binding.gyp'), ...readdirSync(join(root, 'native')).map((f) => join(root, 'native', f))];
if (existsSync(addon) && sources.every((f) => statSync(f).mtimeMs < statSync(addon).mtimeMs)) {
  console.log('@difflm/backend-native: native addon up to date');
  process.exit(0);
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
  note(`native addon not built (${why || `node-gyp exited ${r.status}`}); install libopenblas-dev, a C++ compiler and python3, then reinstall — difflm falls back to wasm`);
}
