#!/usr/bin/env node
// `pnpm bench:train [--json] [--steps N] [--warmup W] [--rounds R (default 2)] [--configs a,b,quick-small,quick-large] [--also-unset-openblas-env]`
// Trains the reference configs (a, b and the quick preset's smallest and largest models) (packages/backend-native/bench/reference-configs.ts) with the paper's
// transformer and the masked-diffusion loss on difflm's fastest available backend, and the same model and loss
// in PyTorch (Debian python3-torch, torch 1 thread, OpenBLAS on all cores) in the same invocation. Reports
// median tokens/s, achieved GFLOP/s, peak RSS, the machine's measured sgemm peak, and the ratio.
// Writes bench-results/train-speed.json and .md (dir: DIFFLM_BENCH_OUT or <repo>/bench-results).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const benchDir = join(root, 'packages', 'backend-native', 'bench');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : dflt;
};
if (flag('--help') || flag('-h')) {
  console.log('usage: pnpm bench:train [--json] [--steps N] [--warmup W] [--rounds R] [--configs a,b,quick-small,quick-large] [--also-unset-openblas-env]');
  process.exit(0);
}
const json = flag('--json');
const rounds = Number(opt('--rounds', '2'));
const configs = opt('--configs', 'a,b,quick-small,quick-large').split(',');
const stepsFor = { a: Number(opt('--steps', '10')), b: Number(opt('--steps', '5')), 'quick-small': Number(opt('--steps', '40')), 'quick-large': Number(opt('--steps', '40')) };
const warmup = Number(opt('--warmup', '2'));
const cores = cpus().length;
const log = (...m) => { if (!json) console.log(...m); };

// Reference configs and the FLOP count live in TypeScript; read them once through tsx.
const tsxArgs = ['--conditions=@difflm/source', '--import', 'tsx'];
function runJson(cmd, cmdArgs, env) {
  const childEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env ?? {})) if (v === null) delete childEnv[k]; // null = unset
  const r = spawnSync(cmd, cmdArgs, { cwd: root, env: childEnv, encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = (r.stdout ?? '').trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (r.status !== 0 || !line) return { error: ((r.stderr || r.stdout || r.error?.message || '').trim().split('\n').filter(Boolean).pop() ?? `exit ${r.status}`).slice(0, 300) };
  return JSON.parse(line);
}
const nodeScript = (file, scriptArgs, env = {}) => runJson(process.execPath, [...tsxArgs, join(benchDir, file), ...scriptArgs], env);

const meta = nodeScript('bench-meta.ts', []);
if (meta.error) throw new Error(`bench:train could not read the reference configs: ${meta.error}`);
const backend = meta.native.available ? 'native' : 'wasm';
if (!meta.native.available) console.error(`difflm: native CPU kernels unavailable (${meta.native.reason}); using the wasm backend`);
const torchProbe = spawnSync('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
const torchVersion = torchProbe.status === 0 ? torchProbe.stdout.trim() : null;
if (!torchVersion) log('PyTorch: missing (install Debian python3-torch to compare); reporting difflm alone');

const median = (xs) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];
/** The better of two measurements of one side: a result over an error, then the faster one. */
const better = (kept, next) => (!kept || (kept.error && !next.error) || (!next.error && next.tokensPerSec > kept.tokensPerSec) ? next : kept);

/** One pass over the configs in a given environment (env vars set for both difflm and PyTorch alike). */
function pass(label, env) {
  const blasEnv = { OPENBLAS_NUM_THREADS: String(cores), OMP_WAIT_POLICY: 'passive', ...env };
  const peak = meta.native.available ? nodeScript('sgemm-peak.ts', ['1536', '6'], blasEnv) : { error: 'native addon unavailable' };
  log(`[${label}] sgemm peak: ${peak.error ? `n/a (${peak.error})` : `${peak.gflops.toFixed(1)} GFLOP/s (${peak.corename}, ${peak.threads} threads)`}`);
  const rows = [];
  for (const name of configs) {
    const steps = String(stepsFor[name] ?? 5);
    let best = null;
    let torch = null;
    // Rounds alternate which side runs first, and each side keeps its best round: other work on a shared
    // machine comes and goes, and this keeps it from favouring whichever side happened to run in a quiet moment.
    const runDifflm = () => {
      best = better(best, nodeScript('train-worker.ts', [name, backend, steps, String(warmup)], blasEnv));
    };
    const runTorch = () => {
      if (torchVersion) torch = better(torch, runJson('/usr/bin/python3', [join(benchDir, 'pytorch_ref.py'), name, steps, String(warmup)], blasEnv));
    };
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) { runDifflm(); runTorch(); } else { runTorch(); runDifflm(); }
    }
    const flops = meta.flopsPerToken[name];
    const row = {
      name,
      backend,
      difflmTokensPerSec: best.error ? null : best.tokensPerSec,
      pytorchTokensPerSec: torch && !torch.error ? torch.tokensPerSec : null,
      ratio: best.error || !torch || torch.error ? null : best.tokensPerSec / torch.tokensPerSec,
      gflops: best.error ? null : (best.tokensPerSec * flops) / 1e9,
      pytorchGflops: torch && !torch.error ? (torch.tokensPerSec * flops) / 1e9 : null,
      fractionOfSgemmPeak: best.error || peak.error ? null : (best.tokensPerSec * flops) / 1e9 / peak.gflops,
      peakRssMb: best.error ? null : best.peakRssMb,
      pytorchPeakRssMb: torch && !torch.error ? torch.peakRssMb : null,
      memoryRatio: best.error || !torch || torch.error ? null : best.peakRssMb / torch.peakRssMb,
      flopsPerToken: flops,
      tokensPerStep: meta.tokensPerStep[name],
      steps: Number(steps),
      // CPU time per step (all threads): less sensitive than wall time to other work on a shared machine.
      difflmCpuMsPerStep: best.cpuMs ? median(best.cpuMs) : null,
      pytorchCpuMsPerStep: torch?.cpuMs ? median(torch.cpuMs) : null,
      difflmStepMs: best.stepMs ?? null,
      pytorchStepMs: torch?.stepMs ?? null,
      ...(best.error ? { difflmError: best.error } : {}),
      ...(torch?.error ? { pytorchError: torch.error } : {}),
    };
    rows.push(row);
    const f = (v, d = 0) => (v == null ? 'n/a' : v.toFixed(d));
    log(`[${label}] config ${name}: difflm ${f(row.difflmTokensPerSec)} tok/s (${f(row.gflops, 1)} GFLOP/s, ${f(row.peakRssMb)} MB) | PyTorch ${f(row.pytorchTokensPerSec)} tok/s (${f(row.pytorchPeakRssMb)} MB) | ratio ${f(row.ratio, 2)}x${row.difflmError ? ` | difflm failed: ${row.difflmError}` : ''}${row.pytorchError ? ` | PyTorch failed: ${row.pytorchError}` : ''}`);
  }
  return { label, env, sgemmPeakGflops: peak.error ? null : peak.gflops, configs: rows };
}

const loadBefore = loadavg();
const headline = pass('environment as is', {});
const extra = flag('--also-unset-openblas-env') ? [pass('OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset', { OPENBLAS_CORETYPE: null, OPENBLAS_L2_SIZE: null })] : [];
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown', cores, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version,
  openblas: meta.native.available ? { corename: meta.native.corename, config: meta.native.config, threads: meta.native.threads, parallel: meta.native.parallel } : null,
  openblasEnv: { OPENBLAS_CORETYPE: process.env.OPENBLAS_CORETYPE ?? null, OPENBLAS_L2_SIZE: process.env.OPENBLAS_L2_SIZE ?? null },
  torch: torchVersion, loadAverageBefore: loadBefore.map((x) => +x.toFixed(2)), loadAverageAfter: loadavg().map((x) => +x.toFixed(2)),
};
const result = { date: new Date().toISOString(), machine, backend, sgemmPeakGflops: headline.sgemmPeakGflops, configs: headline.configs, extraPasses: extra };

const out = process.env.DIFFLM_BENCH_OUT ?? join(root, 'bench-results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'train-speed.json'), `${JSON.stringify(result, null, 2)}\n`);
const f = (v, d = 0) => (v == null ? 'n/a' : v.toFixed(d));
const table = (p) => [
  '| config | difflm tok/s | PyTorch tok/s | ratio | difflm GFLOP/s | % of sgemm peak | difflm peak RSS (MB) | PyTorch peak RSS (MB) | CPU ms/step difflm / PyTorch |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...p.configs.map((c) => `| ${c.name} | ${f(c.difflmTokensPerSec)} | ${f(c.pytorchTokensPerSec)} | ${f(c.ratio, 2)}x | ${f(c.gflops, 1)} | ${c.fractionOfSgemmPeak == null ? 'n/a' : `${(100 * c.fractionOfSgemmPeak).toFixed(0)}%`} | ${f(c.peakRssMb)} | ${f(c.pytorchPeakRssMb)} | ${f(c.difflmCpuMsPerStep)} / ${f(c.pytorchCpuMsPerStep)} |`),
];
const md = [
  `# Training speed (${result.date})`, '',
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}; difflm backend \`${backend}\`${machine.openblas ? ` (OpenBLAS kernel ${machine.openblas.corename}, ${machine.openblas.parallel}, ${machine.openblas.threads} threads)` : ''}; PyTorch ${torchVersion ?? 'missing'} (1 thread, OPENBLAS_NUM_THREADS=${cores}).`,
  `OPENBLAS_CORETYPE=${machine.openblasEnv.OPENBLAS_CORETYPE ?? '(unset)'}, OPENBLAS_L2_SIZE=${machine.openblasEnv.OPENBLAS_L2_SIZE ?? '(unset)'}. Load average before/after: ${machine.loadAverageBefore.join(', ')} / ${machine.loadAverageAfter.join(', ')} (other work on the machine makes absolute numbers noisy; both sides ran in the same invocation).`,
  `Measured sgemm peak: ${f(result.sgemmPeakGflops, 1)} GFLOP/s.`, '',
  ...table(headline), '',
  ...extra.flatMap((p) => [`## ${p.label} (both sides)`, '', `sgemm peak: ${f(p.sgemmPeakGflops, 1)} GFLOP/s`, '', ...table(p), '']),
].join('\n');
writeFileSync(join(out, 'train-speed.md'), `${md}\n`);
if (json) console.log(JSON.stringify(result, null, 2));
else log(`\nwrote ${join(out, 'train-speed.json')} and train-speed.md`);
