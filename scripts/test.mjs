#!/usr/bin/env node
// The one test command (README Quickstart, .ci/run): build, dependency graph, types, package lint,
// every vitest project, then the consumer test on packed tarballs. Prints one closing summary line.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const steps = [];
function run(name, cmd, args, opts = {}) {
  const t0 = Date.now();
  process.stdout.write(`\n=== ${name}: ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...opts.env } });
  const ok = r.status === 0;
  steps.push({ name, ok, s: ((Date.now() - t0) / 1000).toFixed(1) });
  return ok;
}

run('system', process.execPath, ['scripts/ensure-system-deps.mjs']);
// The addon is built at install time; when the system step has just installed OpenBLAS (or it was missing then),
// build it now, so no native test is skipped on a machine where native can run.
if (!existsSync(join(root, 'packages', 'backend-native', 'build', 'Release', 'difflm_native.node'))) {
  run('native addon', process.execPath, ['packages/backend-native/scripts/install.mjs']);
}
const built = run('build', 'pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']);
run('dependency graph', 'pnpm', ['run', 'check:deps']);
run('typecheck', 'pnpm', ['exec', 'turbo', 'run', 'typecheck', '--output-logs=errors-only']);
if (built) run('package lint', 'pnpm', ['exec', 'turbo', 'run', 'lint', '--output-logs=errors-only']);
const report = join(tmpdir(), `difflm-vitest-${process.pid}.json`);
run('unit and integration tests', 'pnpm', ['exec', 'vitest', 'run', '--reporter=default', `--reporter=json`, `--outputFile.json=${report}`]);
if (built) run('consumer test', process.execPath, ['scripts/consumer-test.mjs']);

let passed = 0, failed = 0, skipped = 0;
if (existsSync(report)) {
  const j = JSON.parse(readFileSync(report, 'utf8'));
  passed = j.numPassedTests; failed = j.numFailedTests; skipped = j.numPendingTests + (j.numTodoTests ?? 0);
  rmSync(report);
}
for (const s of steps) { if (s.name !== 'unit and integration tests') s.ok ? passed++ : failed++; }
console.log('\nsteps:');
for (const s of steps) console.log(`  ${s.ok ? 'ok  ' : 'FAIL'} ${s.name} (${s.s}s)`);
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(steps.every((s) => s.ok) && failed === 0 ? 0 : 1);
