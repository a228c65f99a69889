// @difflm/cli from its tarball: the `difflm` bin fits a synthetic Chinchilla-style table of runs
// (known law L = 1.69 + 406.4/N^0.34 + 410.7/D^0.28, 0.2% deterministic wiggle) and must recover it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '@difflm/cli';

if (main?.meta?.name !== 'difflm') throw new Error('@difflm/cli: main command not exported');
const rows = ['N,D,loss'];
for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) {
  const N = 1e7 * 1000 ** (i / 7), D = 1e9 * 1000 ** (j / 7);
  const L = 1.69 + 406.4 / N ** 0.34 + 410.7 / D ** 0.28;
  rows.push(`${N},${D},${L * (1 + 0.002 * Math.sin(7 * i + 3 * j))}`);
}
const file = join(mkdtempSync(join(tmpdir(), 'difflm-cli-')), 'runs.csv');
writeFileSync(file, rows.join('\n') + '\n');
const r = spawnSync(join('node_modules', '.bin', 'difflm'), ['fit', file, '--size-col', 'N', '--tokens-col', 'D', '--loss-col', 'loss', '--method', 'approach3-mle', '--json'], { encoding: 'utf8' });
if (r.status !== 0) throw new Error(`difflm fit exited ${r.status}: ${r.stderr}`);
const fit = JSON.parse(r.stdout).groups.all;
const near = (x, want, tol) => Math.abs(x - want) <= tol;
if (!near(fit.alpha, 0.34, 0.01) || !near(fit.beta, 0.28, 0.01) || !near(fit.E, 1.69, 0.01)) throw new Error(`difflm fit recovered ${JSON.stringify({ alpha: fit.alpha, beta: fit.beta, E: fit.E })}`);
console.log(`cli ok: difflm fit recovered alpha=${fit.alpha.toFixed(4)} beta=${fit.beta.toFixed(4)} E=${fit.E.toFixed(4)}`);
