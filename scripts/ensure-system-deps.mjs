#!/usr/bin/env node
// Installs the Debian packages the test suite needs (redis-server for the distributed-study test,
// libopenblas-dev for the native fast-CPU kernels, chromium for the browser tests and, with libvulkan1, the SwiftShader
// Vulkan driver the WebGPU tests run on) when they are missing
// and we may use apt-get.
// Prints what it did; never fails the run by itself (the tests that need a package say so).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const want = [
  { pkg: 'redis-server', present: () => spawnSync('sh', ['-c', 'command -v redis-server']).status === 0 },
  { pkg: 'chromium', present: () => ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].some((p) => existsSync(p)) || Boolean(process.env.DIFFLM_CHROMIUM && existsSync(process.env.DIFFLM_CHROMIUM)) },
  { pkg: 'libvulkan1', present: () => ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1', '/usr/lib64/libvulkan.so.1'].some((p) => existsSync(p)) },
  { pkg: 'libopenblas-dev', present: () => existsSync('/usr/include/x86_64-linux-gnu/cblas.h') || existsSync('/usr/include/cblas.h') || existsSync('/usr/include/openblas/cblas.h') },
];
const missing = want.filter((w) => !w.present()).map((w) => w.pkg);
if (missing.length === 0) { console.log('system packages: all present'); process.exit(0); }
const isRoot = process.getuid?.() === 0;
if (!isRoot || spawnSync('sh', ['-c', 'command -v apt-get']).status !== 0) {
  console.log(`system packages missing: ${missing.join(', ')} — install them with: sudo apt-get install -y ${missing.join(' ')}`);
  process.exit(0);
}
console.log(`installing system packages: ${missing.join(', ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
console.log(r.status === 0 ? 'system packages installed' : `apt-get failed (${r.status}); tests that need ${missing.join(', ')} will say so`);
