// Wall times of the two expensive fits: the 4,500-start Approach-3 grid on the Chinchilla runs (scipy's
// L-BFGS-B takes about 10.6 s for it on a 2-core machine; see ../shared/data/chinchilla/README.md) plus the
// maximum-likelihood fit, and a 10,000-resample bootstrap of a compute-optimal power law (IsoFLOP frontier of
// 9 budgets). Writes bench-results/scaling-fit.{json,md}. `--quick` runs each once.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { sharedPath } from '@difflm/test-utils';
import { bootstrap, dropTopLoss, fitApproach3, fitApproach3Mle, fitPowerLaw, parseCsv, resolveRuns, runsFromRecords } from '../src/index.js';
import { createFitRng } from '../src/rng.js';

const quick = process.argv.includes('--quick');
const reps = quick ? 1 : 3;
const outDir = process.env.DIFFLM_BENCH_OUT ?? join(process.cwd(), 'bench-results');

interface Row { name: string; msMedian: number; msMin: number; cpuMsMedian: number; reps: number; detail: string }
const rows: Row[] = [];

function time(name: string, fn: () => string): void {
  const ms: number[] = [], cpu: number[] = [];
  let detail = '';
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now(), c0 = process.cpuUsage();
    detail = fn();
    const dc = process.cpuUsage(c0);
    ms.push(performance.now() - t0);
    cpu.push((dc.user + dc.system) / 1000);
  }
  ms.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const mid = Math.floor(ms.length / 2);
  rows.push({ name, msMedian: ms[mid]!, msMin: ms[0]!, cpuMsMedian: cpu[mid]!, reps, detail });
  console.log(`${name}: median ${ms[mid]!.toFixed(0)} ms wall, ${cpu[mid]!.toFixed(0)} ms CPU (${detail})`);
}

const csv = sharedPath('data/chinchilla/svg_extracted_data.csv');
if (csv) {
  const runs = runsFromRecords(parseCsv(readFileSync(csv, 'utf8')), { params: 'Model Size', compute: 'Training FLOP', loss: 'loss' });
  const pts = resolveRuns(dropTopLoss(runs, 5)).runs.map((r) => ({ n: r.params!, d: r.tokens, loss: r.loss }));
  time('Approach 3, 4,500-start grid, 240 Chinchilla runs', () => {
    const f = fitApproach3(pts);
    return `E=${f.E.toFixed(5)} α=${f.alpha.toFixed(5)} β=${f.beta.toFixed(5)}, ${f.convergedStarts}/${f.starts} starts converged`;
  });
  time('Approach 3 maximum likelihood (2 starts)', () => {
    const f = fitApproach3Mle(pts);
    return `E=${f.E.toFixed(5)} α=${f.alpha.toFixed(5)} β=${f.beta.toFixed(5)}`;
  });
} else {
  console.log('Chinchilla data not found beside the repository: the Approach-3 benchmarks are skipped');
}

// A frontier like the paper's: 9 budgets on [5e17, 2e20], D* = 56.8·C^0.434 with 3% scatter.
const rng = createFitRng(1);
const c = Array.from({ length: 9 }, (_, i) => 5e17 * (2e20 / 5e17) ** (i / 8));
const y = c.map((x) => 56.78711 * x ** 0.43371 * Math.exp(0.03 * (2 * rng.next() - 1)));
const est = fitPowerLaw(c, y);
time('Bootstrap, 10,000 resamples of a 9-point Huber power-law fit', () => {
  const r = bootstrap(c.length, { alpha: est.alpha, A: est.A }, (idx) => {
    const f = fitPowerLaw(Array.from(idx, (i) => c[i]!), Array.from(idx, (i) => y[i]!), { start: est });
    return { alpha: f.alpha, A: f.A };
  }, { resamples: 10_000, seed: 0 });
  const iv = r.intervals.alpha!;
  return `α=${est.alpha.toFixed(4)} [${iv.lower.toFixed(4)}, ${iv.upper.toFixed(4)}], ${r.failures} failed resamples`;
});

mkdirSync(outDir, { recursive: true });
const meta = { bench: 'scaling-fit', date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', quick, scipyReferenceMs: 10_600 };
writeFileSync(join(outDir, 'scaling-fit.json'), JSON.stringify({ ...meta, rows }, null, 2));
const md = [
  '# @difflm/scaling-fit benchmark', '',
  `${meta.date}, Node ${meta.node}, ${meta.cpus} × ${meta.cpuModel}, single thread; median of ${reps} run(s).`,
  'Reference: scipy L-BFGS-B on the same 4,500-start grid, about 10.6 s on a comparable 2-core machine.',
  'Wall time depends on other load on the machine; CPU time (user + system of this process) much less so.', '',
  '| benchmark | median wall ms | min wall ms | median CPU ms | result |', '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.name} | ${r.msMedian.toFixed(0)} | ${r.msMin.toFixed(0)} | ${r.cpuMsMedian.toFixed(0)} | ${r.detail} |`), '',
].join('\n');
writeFileSync(join(outDir, 'scaling-fit.md'), md);
