#!/usr/bin/env node
// `pnpm bench`: runs every packages/*/bench/*.bench.ts from source (tsx, "@difflm/source" condition).
// Each benchmark writes its results under bench-results/ (JSON + markdown) and prints a summary.
// `pnpm bench <filter>` runs only the files whose path contains <filter>.
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filter = process.argv[2] ?? '';
mkdirSync(join(root, 'bench-results'), { recursive: true });
const files = [];
for (const pkg of readdirSync(join(root, 'packages'))) {
  const dir = join(root, 'packages', pkg, 'bench');
  if (!existsSync(dir)) continue;
  for (const f of readdirSync(dir)) if (f.endsWith('.bench.ts') && join(pkg, f).includes(filter)) files.push(join(dir, f));
}
let failed = 0;
for (const f of files.sort()) {
  console.log(`\n=== ${f.slice(root.length)}`);
  const r = spawnSync(process.execPath, ['--conditions=@difflm/source', '--import', 'tsx', f, ...process.argv.slice(3)], { cwd: root, stdio: 'inherit', env: { ...process.env, DIFFLM_BENCH_OUT: join(root, 'bench-results') } });
  if (r.status !== 0) { failed++; console.log(`FAILED: ${f}`); }
}
console.log(`\n${files.length - failed} benchmarks ran, ${failed} failed; results in bench-results/`);
process.exit(failed ? 1 : 0);
