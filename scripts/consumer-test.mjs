#!/usr/bin/env node
// Consumer test: pack every public package (pnpm pack), install the tarballs with npm into an empty
// project outside the workspace, then run each scripts/consumer/*.mjs there. Each script imports a
// package from ESM and runs something real through its public API; a non-zero exit fails the test.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, copyFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const sh = (cmd, args, cwd, quiet = false) => {
  const r = spawnSync(cmd, args, { cwd, stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8', env: { ...process.env, npm_config_nodedir: process.env.npm_config_nodedir ?? '/usr' } });
  if (r.status !== 0) { if (quiet) process.stderr.write(r.stdout + r.stderr); throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}`); }
  return r.stdout;
};

const pkgDirs = readdirSync(join(root, 'packages'))
  .map((d) => join(root, 'packages', d))
  .filter((d) => { try { return !JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')).private; } catch { return false; } });

const work = mkdtempSync(join(tmpdir(), 'difflm-consumer-'));
const tarDir = join(work, 'tarballs');
const tarballs = [];
for (const dir of pkgDirs) {
  const out = sh('pnpm', ['pack', '--pack-destination', tarDir], dir, true).trim().split('\n').filter((l) => l.endsWith('.tgz')).pop();
  tarballs.push(out.startsWith('/') ? out : join(tarDir, out.split('/').pop()));
}
console.log(`packed ${tarballs.length} packages into ${tarDir}`);
const app = join(work, 'app');
sh('mkdir', ['-p', app], work);
writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'difflm-consumer', private: true, type: 'module' }, null, 2));
sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], app);
const scripts = readdirSync(join(root, 'scripts/consumer')).filter((f) => f.endsWith('.mjs')).sort();
let failed = 0;
for (const f of scripts) {
  copyFileSync(join(root, 'scripts/consumer', f), join(app, f));
  const r = spawnSync(process.execPath, [f], { cwd: app, stdio: 'inherit' });
  console.log(`${r.status === 0 ? 'ok  ' : 'FAIL'} consumer/${f}`);
  if (r.status !== 0) failed++;
}
// A second empty project with no compiler reachable (CC/CXX fail, no include path for OpenBLAS's headers): the
// native backend must still install and train, through the tarball's prebuilt addon (ADR 0007).
if (process.platform === 'linux' && process.arch === 'x64') {
  const nocc = join(work, 'app-nocc');
  sh('mkdir', ['-p', nocc], work);
  writeFileSync(join(nocc, 'package.json'), JSON.stringify({ name: 'difflm-consumer-nocc', private: true, type: 'module' }, null, 2));
  const pick = (name) => tarballs.find((t) => t.includes(`difflm-${name}-`));
  const noccTarballs = ['backend-native', 'backends', 'models', 'noise', 'trainer', 'data', 'random'].map(pick);
  const fake = join(work, 'no-compiler');
  writeFileSync(fake, '#!/bin/sh\necho "no compiler here" >&2\nexit 1\n', { mode: 0o755 });
  const env = { ...process.env, CC: fake, CXX: fake, CPATH: '', C_INCLUDE_PATH: '', CPLUS_INCLUDE_PATH: '' };
  const r0 = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...noccTarballs], { cwd: nocc, stdio: 'inherit', env });
  if (r0.status !== 0) { console.log('FAIL consumer-nocc install'); failed++; } else {
    copyFileSync(join(root, 'scripts/consumer-nocc/native-train.mjs'), join(nocc, 'native-train.mjs'));
    const r = spawnSync(process.execPath, ['native-train.mjs'], { cwd: nocc, stdio: 'inherit', env });
    console.log(`${r.status === 0 ? 'ok  ' : 'FAIL'} consumer-nocc/native-train.mjs`);
    if (r.status !== 0) failed++;
  }
  const tgz = tarballs.find((t) => t.includes('difflm-backend-native-'));
  console.log(`@difflm/backend-native tarball: ${(statSync(tgz).size / 1e6).toFixed(1)} MB`);
}
if (!process.env.KEEP_CONSUMER) rmSync(work, { recursive: true, force: true });
if (scripts.length === 0) { console.error('no consumer scripts found'); process.exit(1); }
process.exit(failed ? 1 : 0);
