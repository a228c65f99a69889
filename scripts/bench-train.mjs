#!/usr/bin/env node
// `pnpm bench:train [--backend native|wasm|cpu|webgpu] [--json] [--steps N] [--warmup W] [--rounds R (default 2)] [--configs a,b,...] [--timeout S] [--also-unset-openblas-env]`
// Trains the reference configs (packages/backend-native/bench/reference-configs.ts) with the paper's transformer and
// the masked-diffusion loss on a difflm backend, and the same model and loss in PyTorch in the same invocation.
//   CPU (default: native, or wasm where the addon is missing; or --backend wasm|cpu): configs a, b and the quick
//   preset's smallest and largest models, beside PyTorch on the CPU (Debian python3-torch, torch 1 thread, OpenBLAS on
//   all cores). Reports median tokens/s, achieved GFLOP/s, peak RSS, the machine's measured sgemm peak and the ratio.
//   Writes bench-results/train-speed.json and .md (train-speed-<backend>.* for an explicit --backend other than native).
//   --backend webgpu: configs a, b and the paper's L8-D512 at N = 2048 on TensorFlow.js's WebGPU backend
//   (@difflm/backend-webgpu), each step timed up to an asynchronous read of its loss (which waits for the GPU), beside
//   PyTorch on CUDA where torch.cuda.is_available(), else "no GPU PyTorch here" (never a CPU number beside a GPU one).
//   Reports tokens/s and achieved TFLOP/s and names the adapter (and whether it is a software one, e.g. SwiftShader);
//   difflm runs twice, with the attention block's WGSL kernels and with its composite graph (DIFFLM_FUSED_KERNELS=0).
//   Writes bench-results/train-speed-webgpu.json and .md.
// Python: DIFFLM_BENCH_PYTHON, else /usr/bin/python3. Each measurement is its own process, killed after --timeout
// seconds (default 900); a failure or timeout is reported in its config's row. Output dir: DIFFLM_BENCH_OUT or
// <repo>/bench-results; a partial run (--configs other than the default set, --steps or --warmup) goes to a temporary
// folder instead, so it never replaces the committed table.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const benchDir = join(root, 'packages', 'backend-native', 'bench');
const BACKENDS = ['native', 'wasm', 'cpu', 'webgpu'];
const USAGE = 'usage: pnpm bench:train [--backend native|wasm|cpu|webgpu] [--json] [--steps N] [--warmup W] [--rounds R] [--configs a,b,quick-small,quick-large,l8-d512] [--timeout S] [--torch-venv] [--no-pairs] [--also-unset-openblas-env]';
const args = process.argv.slice(2);
/** One line naming what is wrong, then exit 2 (no stack trace). */
const fail = (message) => {
  console.error(`bench:train: ${message}`);
  process.exit(2);
};
const VALUED = ['--backend', '--steps', '--warmup', '--rounds', '--configs', '--timeout'];
const FLAGS = ['--json', '--also-unset-openblas-env', '--torch-venv', '--no-pairs', '--help', '-h'];
for (let i = 0; i < args.length; i++) {
  if (VALUED.includes(args[i])) {
    if (args[i + 1] === undefined || args[i + 1].startsWith('--')) fail(`${args[i]} needs a value (${USAGE.slice(7)})`);
    i++;
  } else if (!FLAGS.includes(args[i])) fail(`unknown argument ${args[i]} (${USAGE.slice(7)})`);
}
const flag = (name) => args.includes(name);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const count = (name, dflt, min = 1) => {
  const v = opt(name, undefined);
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) fail(`${name} must be an integer >= ${min}, got "${v}"`);
  return n;
};
if (flag('--help') || flag('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const requested = opt('--backend', undefined);
if (requested !== undefined && !BACKENDS.includes(requested)) fail(`--backend must be one of ${BACKENDS.join(', ')}, got "${requested}"`);
const gpu = requested === 'webgpu';
const json = flag('--json');
const rounds = count('--rounds', 2);
const warmupFlag = count('--warmup', undefined, 0);
// difflm's first ~20–25 steps of a quick model run at 2–3x the steady step time (measured 2026-12-08: 17–23 ms, then
// 6 ms on the quick-small model), and the steps keep getting faster for a few hundred more (the quick study's L2-D12
// run: median 7.9 ms over steps 0–50, 7.3 over 50–200, 6.75 after). Two processes side by side (a study's layout)
// suffer more in that phase, presumably as V8's background threads lose the idle core: after 30 warm-up steps the
// pair read 0.72x (quick-small) and 0.90x (quick-large) of twice one process, after 300 it read 1.05x and 1.02x, as
// a study's own thousands-of-steps runs show (L2-D12: 6.3–6.5 ms a step beside another run, 6.75 alone).
// So the quick configs warm up for 300 steps and time 300.
const warmupOf = (name) => warmupFlag ?? (name.startsWith('quick') ? 300 : 2);
const stepsFlag = count('--steps', undefined);
const timeoutS = count('--timeout', 900);
const cores = cpus().length;
const log = (...m) => { if (!json) console.log(...m); };

// Reference configs and the FLOP count live in TypeScript; read them once through tsx.
const tsxArgs = ['--conditions=@difflm/source', '--import', 'tsx'];
/** The one line that says why a process failed: its last error line (Node prints a stack after it), else its last line. */
function failureLine(r) {
  if (r.error?.code === 'ETIMEDOUT') return `timed out after ${timeoutS} s (--timeout)`;
  if (r.signal && r.status === null) return `killed by ${r.signal} (past --timeout ${timeoutS} s, or out of memory)`;
  const lines = (r.stderr || r.stdout || r.error?.message || '').split('\n').map((l) => l.trim()).filter(Boolean);
  const errorLine = lines.findLast((l) => /^([A-Za-z.]*(Error|Exception)|error)\b:?/.test(l)) ?? lines.at(-1);
  return (errorLine ?? `exit ${r.status}`).slice(0, 300);
}
/** A child's environment: this one's with `env` over it (null = unset). */
function childEnvOf(env) {
  const childEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env ?? {})) if (v === null) delete childEnv[k];
  return childEnv;
}
/** A measurement process's last JSON line, or its one-line failure. */
function resultOf(r) {
  const line = (r.stdout ?? '').trim().split('\n').filter((l) => l.startsWith('{')).pop();
  return r.status !== 0 || !line ? { error: failureLine(r) } : JSON.parse(line);
}
function runJson(cmd, cmdArgs, env) {
  return resultOf(spawnSync(cmd, cmdArgs, { cwd: root, env: childEnvOf(env), encoding: 'utf8', maxBuffer: 1 << 24, timeout: timeoutS * 1000, killSignal: 'SIGKILL' }));
}
const nodeScript = (file, scriptArgs, env = {}) => runJson(process.execPath, [...tsxArgs, join(benchDir, file), ...scriptArgs], env);
/** runJson without blocking, so that two measurements can run side by side. */
function runJsonAsync(cmd, cmdArgs, env) {
  return new Promise((done) => {
    const child = spawn(cmd, cmdArgs, { cwd: root, env: childEnvOf(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutS * 1000);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      done(resultOf(timedOut ? { error: { code: 'ETIMEDOUT' } } : { status, signal, stdout, stderr }));
    });
  });
}

const meta = nodeScript('bench-meta.ts', gpu ? ['--webgpu'] : []);
if (meta.error) fail(`could not read the reference configs: ${meta.error}`);
if (gpu && !meta.webgpu.available) fail(`WebGPU is not available here: ${meta.webgpu.reason}`);
const backend = requested ?? (meta.native.available ? 'native' : 'wasm');
if (!requested && !meta.native.available) console.error(`difflm: native CPU kernels unavailable (${meta.native.reason}); using the wasm backend`);
if (backend === 'native' && !meta.native.available) fail(`--backend native: the native CPU kernels are unavailable (${meta.native.reason})`);
const defaultConfigs = gpu ? meta.defaultConfigs.gpu : meta.defaultConfigs.cpu;
const configs = (opt('--configs', undefined)?.split(',').map((s) => s.trim()).filter(Boolean)) ?? [...defaultConfigs];
const unknown = configs.filter((c) => !meta.configs.includes(c));
if (unknown.length || configs.length === 0) fail(`--configs: unknown config${unknown.length === 1 ? '' : 's'} ${unknown.join(', ') || '(none given)'}; use ${meta.configs.join(', ')}`);
const defaultSteps = { a: 10, b: 5, 'quick-small': 300, 'quick-large': 300, 'l8-d512': 5 };
const stepsOf = (name) => stepsFlag ?? defaultSteps[name] ?? 5;

// PyTorch beside difflm on the same device: CPU torch for a CPU backend; CUDA torch for a GPU backend, or none.
// torch 2 (eager and torch.compile) from DIFFLM_BENCH_PYTHON, or from a venv this script makes with pip (--torch-venv);
// Debian's torch 1.13 (/usr/bin/python3) stays as a row of its own where it is installed.
const DEBIAN_PYTHON = '/usr/bin/python3';
const TORCH2_PIN = 'torch==2.13.0';
const probeTorch = (py) => {
  const r = spawnSync(py, ['-c', 'import torch; print(torch.__version__, int(torch.cuda.is_available()), torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")'], { encoding: 'utf8', timeout: 120_000 });
  return r.status === 0 ? r.stdout.trim().split(' ') : [];
};
/** The venv --torch-venv makes (once) under node_modules/.cache, with torch 2 from pip. */
function torchVenv() {
  const dir = join(root, 'node_modules', '.cache', 'difflm-bench-torch2');
  const py = join(dir, 'bin', 'python');
  if (existsSync(py) && probeTorch(py).length) return py;
  log(`making a Python venv with ${TORCH2_PIN} in ${dir} (once)`);
  const mk = spawnSync(DEBIAN_PYTHON, ['-m', 'venv', dir], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (mk.status !== 0) fail(`--torch-venv: python3 -m venv failed (${(mk.stderr || '').trim().split('\n').pop()}); install python3-venv, or set DIFFLM_BENCH_PYTHON to a Python with torch 2`);
  const pip = spawnSync(join(dir, 'bin', 'pip'), ['install', '--quiet', TORCH2_PIN, 'numpy'], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  if (pip.status !== 0 || !probeTorch(py).length) fail(`--torch-venv: pip install ${TORCH2_PIN} failed (${(pip.stderr || '').trim().split('\n').pop()}); set DIFFLM_BENCH_PYTHON to a Python with torch 2 instead`);
  return py;
}
const python = process.env.DIFFLM_BENCH_PYTHON || (flag('--torch-venv') ? torchVenv() : DEBIAN_PYTHON);
const [torchVersion = null, cudaFlag, ...gpuWords] = probeTorch(python);
// On the CPU: torch 2 (eager and compiled) where `python` has it; Debian's torch 1.13 as well where it is there.
const torch2 = !gpu && torchVersion && !torchVersion.startsWith('1.') ? { python, version: torchVersion } : null;
const debianVersion = gpu ? null : python === DEBIAN_PYTHON ? torchVersion : probeTorch(DEBIAN_PYTHON)[0] ?? null;
const torch1 = debianVersion?.startsWith('1.') ? { python: DEBIAN_PYTHON, version: debianVersion } : null;
if (!gpu && !torch2) log(`PyTorch 2: ${torchVersion ? `${python} has torch ${torchVersion}` : `${python} cannot import torch`}; point DIFFLM_BENCH_PYTHON at a Python with torch 2, or pass --torch-venv (pip installs ${TORCH2_PIN} into a venv)`);
const torchGpu = cudaFlag === '1' ? gpuWords.join(' ') || 'CUDA device' : null;
const torchDevice = !torchVersion ? null : gpu ? (torchGpu ? 'cuda' : null) : null; // the CPU path runs torch2 / torch1 below
const pytorchNote = !torchVersion ? 'PyTorch missing' : torchDevice ? null : 'no GPU PyTorch here';
const pytorchWhy = !torchVersion ? `PyTorch missing (${python} cannot import torch; install it, or point DIFFLM_BENCH_PYTHON at a Python that has it)` : torchDevice ? null : `no GPU PyTorch here (torch ${torchVersion} sees no CUDA device)`;
if (gpu && pytorchWhy) log(`PyTorch: ${pytorchWhy}; reporting difflm alone`);
if (gpu) log(`webgpu adapter: ${meta.webgpu.adapter}${meta.webgpu.software ? ' — a software adapter: these are not GPU numbers' : ''}`);

const median = (xs) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];
/** The better of two measurements of one side: a result over an error, then the faster one. */
const better = (kept, next) => (!kept || (kept.error && !next.error) || (!next.error && next.tokensPerSec > kept.tokensPerSec) ? next : kept);
const f = (v, d = 0) => (v == null ? 'n/a' : v.toFixed(d));

/** Kernel threads of a config on the CPU: the quick study's models run one per process (a study runs a process per core). */
const threadsOf = (name) => (name.startsWith('quick') ? 1 : cores);
const torchRef = join(benchDir, 'pytorch_ref.py');
/** torch 2's own best environment: its GEMM threads itself (no OPENBLAS_*), and OMP_WAIT_POLICY=passive slows it 1.3–1.6x. */
const torch2Env = (env) => ({ OMP_WAIT_POLICY: null, OPENBLAS_NUM_THREADS: null, ...env });
/** torch.compile compiles in the first steps (the optimizer's step in the second): at least 5 warm-up steps. */
const compiledWarmup = (name) => String(Math.max(warmupOf(name), 5));

/**
 * The layout a study really uses: two run processes of one kernel thread each, side by side; aggregate tokens/s of
 * difflm and of compiled torch 2 (each pair alone on the machine).
 */
async function pairs(name, steps, env) {
  const one = { ...env, OPENBLAS_NUM_THREADS: '1' };
  const both = (make) => Promise.all([make(), make()]);
  const d = await both(() => runJsonAsync(process.execPath, [...tsxArgs, join(benchDir, 'train-worker.ts'), name, backend, steps, String(warmupOf(name))], one));
  const t = torch2 ? await both(() => runJsonAsync(torch2.python, [torchRef, name, steps, compiledWarmup(name), 'cpu', 'compiled', '1'], torch2Env(env))) : null;
  const sum = (xs) => (xs && xs.every((x) => !x.error) ? xs.reduce((a, x) => a + x.tokensPerSec, 0) : null);
  return { difflmTokensPerSec: sum(d), torch2CompiledTokensPerSec: sum(t), ratio: sum(d) && sum(t) ? sum(d) / sum(t) : null, errors: [...d, ...(t ?? [])].filter((x) => x.error).map((x) => x.error) };
}

/** One pass over the configs in a given environment (env vars set for both difflm and PyTorch alike). */
async function pass(label, env) {
  const blasEnv = { OPENBLAS_NUM_THREADS: String(cores), OMP_WAIT_POLICY: 'passive', ...env };
  const peak = gpu ? { error: 'not measured on a GPU backend' } : meta.native.available ? nodeScript('sgemm-peak.ts', ['1536', '6'], blasEnv) : { error: 'native addon unavailable' };
  if (!gpu) log(`[${label}] sgemm peak: ${peak.error ? `n/a (${peak.error})` : `${peak.gflops.toFixed(1)} GFLOP/s (${peak.corename}, ${peak.threads} threads)`}`);
  const rows = [];
  for (const name of configs) {
    const steps = String(stepsOf(name));
    let best = null;
    let torch = null;
    let composite = null; // on a GPU: difflm again with the attention block's composite graph instead of the WGSL kernels
    let eager = null, compiled = null; // on the CPU: torch 2 eager and torch.compile'd
    const threads = gpu ? null : threadsOf(name);
    const difflmEnv = gpu ? blasEnv : { ...blasEnv, OPENBLAS_NUM_THREADS: String(threads) };
    // Rounds alternate which side runs first, and each side keeps its best round: other work on a shared
    // machine comes and goes, and this keeps it from favouring whichever side happened to run in a quiet moment.
    const runDifflm = () => {
      best = better(best, nodeScript('train-worker.ts', [name, backend, steps, String(warmupOf(name))], difflmEnv));
    };
    const runComposite = () => {
      if (gpu) composite = better(composite, nodeScript('train-worker.ts', [name, backend, steps, String(warmupOf(name))], { ...blasEnv, DIFFLM_FUSED_KERNELS: '0' }));
    };
    const runTorch = () => {
      if (torchDevice) torch = better(torch, runJson(python, [torchRef, name, steps, String(warmupOf(name)), torchDevice], blasEnv));
      if (torch1) torch = better(torch, runJson(torch1.python, [torchRef, name, steps, String(warmupOf(name)), 'cpu'], blasEnv)); // torch 1.13's own layout: 1 torch thread, OpenBLAS on all cores
      if (torch2) {
        eager = better(eager, runJson(torch2.python, [torchRef, name, steps, String(warmupOf(name)), 'cpu', 'eager', String(threads)], torch2Env(env)));
        compiled = better(compiled, runJson(torch2.python, [torchRef, name, steps, compiledWarmup(name), 'cpu', 'compiled', String(threads)], torch2Env(env)));
      }
    };
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) { runDifflm(); runComposite(); runTorch(); } else { runTorch(); runComposite(); runDifflm(); }
    }
    const pair = !gpu && name.startsWith('quick') && !flag('--no-pairs') ? await pairs(name, steps, env) : null;
    const flops = meta.flopsPerToken[name];
    const ok = (side) => side && !side.error;
    const row = {
      name,
      backend,
      model: meta.shapes[name],
      difflmTokensPerSec: ok(best) ? best.tokensPerSec : null,
      pytorchTokensPerSec: ok(torch) ? torch.tokensPerSec : null,
      ratio: ok(best) && ok(torch) ? best.tokensPerSec / torch.tokensPerSec : null,
      gflops: ok(best) ? (best.tokensPerSec * flops) / 1e9 : null,
      pytorchGflops: ok(torch) ? (torch.tokensPerSec * flops) / 1e9 : null,
      fractionOfSgemmPeak: !ok(best) || peak.error ? null : (best.tokensPerSec * flops) / 1e9 / peak.gflops,
      peakRssMb: ok(best) ? best.peakRssMb : null,
      pytorchPeakRssMb: ok(torch) ? torch.peakRssMb : null,
      ...(gpu ? { pytorchPeakGpuMb: ok(torch) ? torch.peakGpuMb ?? null : null } : {}),
      ...(gpu ? { compositeAttentionTokensPerSec: ok(composite) ? composite.tokensPerSec : null, fusedOverComposite: ok(best) && ok(composite) ? best.tokensPerSec / composite.tokensPerSec : null, ...(composite?.error ? { compositeError: composite.error } : {}) } : {}),
      memoryRatio: ok(best) && ok(torch) ? best.peakRssMb / torch.peakRssMb : null,
      flopsPerToken: flops,
      tokensPerStep: meta.tokensPerStep[name],
      steps: Number(steps),
      warmup: warmupOf(name),
      // CPU time per step (all threads): less sensitive than wall time to other work on a shared machine.
      difflmCpuMsPerStep: best?.cpuMs ? median(best.cpuMs) : null,
      pytorchCpuMsPerStep: torch?.cpuMs ? median(torch.cpuMs) : null,
      difflmStepMs: best?.stepMs ?? null,
      pytorchStepMs: torch?.stepMs ?? null,
      ...(best?.error ? { difflmError: best.error } : {}),
      ...(torch?.error ? { pytorchError: torch.error } : {}),
      ...(pytorchNote && gpu ? { pytorchNote } : {}),
      ...(gpu ? {} : {
        threads,
        pytorch1: torch1?.version ?? null,
        torch2: torch2?.version ?? null,
        torch2EagerTokensPerSec: ok(eager) ? eager.tokensPerSec : null,
        torch2CompiledTokensPerSec: ok(compiled) ? compiled.tokensPerSec : null,
        ratioVsTorch2Eager: ok(best) && ok(eager) ? best.tokensPerSec / eager.tokensPerSec : null,
        ratioVsTorch2Compiled: ok(best) && ok(compiled) ? best.tokensPerSec / compiled.tokensPerSec : null,
        torch2EagerPeakRssMb: ok(eager) ? eager.peakRssMb : null,
        torch2CompiledPeakRssMb: ok(compiled) ? compiled.peakRssMb : null,
        ...(eager?.error ? { torch2EagerError: eager.error } : {}),
        ...(compiled?.error ? { torch2CompiledError: compiled.error } : {}),
        twoProcesses: pair,
      }),
    };
    rows.push(row);
    const side = (tps, gf) => (gpu ? `${f(tps)} tok/s (${f(gf == null ? null : gf / 1000, 4)} TFLOP/s)` : `${f(tps)} tok/s (${f(gf, 1)} GFLOP/s)`);
    if (!gpu) log(`[${label}] config ${name} (${threads} thread${threads === 1 ? '' : 's'}): difflm ${f(row.difflmTokensPerSec)} tok/s, ${f(row.peakRssMb)} MB | torch ${torch2?.version ?? '2 missing'} eager ${f(row.torch2EagerTokensPerSec)}, compiled ${f(row.torch2CompiledTokensPerSec)} tok/s, ${f(row.torch2CompiledPeakRssMb)} MB | difflm / compiled ${f(row.ratioVsTorch2Compiled, 2)}x${torch1 ? ` | torch ${torch1.version} ${f(row.pytorchTokensPerSec)}` : ''}${pair ? ` | two 1-thread processes: difflm ${f(pair.difflmTokensPerSec)}, compiled ${f(pair.torch2CompiledTokensPerSec)} tok/s` : ''}${row.difflmError ? ` | difflm failed: ${row.difflmError}` : ''}${row.torch2CompiledError ? ` | compiled failed: ${row.torch2CompiledError}` : ''}`);
    else log(`[${label}] config ${name}: difflm ${side(row.difflmTokensPerSec, row.gflops)}${gpu ? '' : `, ${f(row.peakRssMb)} MB`} | ${pytorchNote ?? `PyTorch ${side(row.pytorchTokensPerSec, row.pytorchGflops)}${gpu ? '' : `, ${f(row.pytorchPeakRssMb)} MB`}`} | ratio ${row.ratio == null ? 'n/a' : `${f(row.ratio, 2)}x`}${row.difflmError ? ` | difflm failed: ${row.difflmError}` : ''}${row.pytorchError ? ` | PyTorch failed: ${row.pytorchError}` : ''}`);
  }
  return { label, env, sgemmPeakGflops: peak.error ? null : peak.gflops, configs: rows };
}

const loadBefore = loadavg();
const headline = await pass('environment as is', {});
const extra = !gpu && flag('--also-unset-openblas-env') ? [await pass('OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset', { OPENBLAS_CORETYPE: null, OPENBLAS_L2_SIZE: null })] : [];
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown', cores, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version,
  openblas: meta.native.available ? { corename: meta.native.corename, config: meta.native.config, threads: meta.native.threads, parallel: meta.native.parallel } : null,
  openblasEnv: { OPENBLAS_CORETYPE: process.env.OPENBLAS_CORETYPE ?? null, OPENBLAS_L2_SIZE: process.env.OPENBLAS_L2_SIZE ?? null },
  ...(gpu ? { adapter: meta.webgpu.adapter, softwareAdapter: meta.webgpu.software, pytorchDevice: torchDevice, pytorchGpu: torchGpu } : {}),
  torch: torchVersion, ...(gpu ? {} : { torch2: torch2?.version ?? null, torch2Python: torch2?.python ?? null, torch1: torch1?.version ?? null }), loadAverageBefore: loadBefore.map((x) => +x.toFixed(2)), loadAverageAfter: loadavg().map((x) => +x.toFixed(2)),
};
const result = { date: new Date().toISOString(), machine, backend, sgemmPeakGflops: headline.sgemmPeakGflops, configs: headline.configs, extraPasses: extra };

// A partial run (other configs than the default set, or other step counts) must not replace the committed table:
// it is written to a temporary folder instead, unless DIFFLM_BENCH_OUT names one.
const partial = stepsFlag !== undefined || warmupFlag !== undefined || configs.length !== defaultConfigs.length || configs.some((c, i) => c !== defaultConfigs[i]);
const out = process.env.DIFFLM_BENCH_OUT ?? (partial ? join(tmpdir(), `difflm-bench-train-${process.pid}`) : join(root, 'bench-results'));
const base = requested && requested !== 'native' ? `train-speed-${requested}` : 'train-speed';
mkdirSync(out, { recursive: true });
writeFileSync(join(out, `${base}.json`), `${JSON.stringify(result, null, 2)}\n`);
const cpuTable = (p) => [
  `| config | threads | difflm tok/s | torch 2 eager | torch 2 compiled | difflm / compiled | torch 1.13 | difflm GFLOP/s (% of sgemm peak) | peak RSS (MB) difflm / compiled | two 1-thread processes: difflm / compiled (aggregate tok/s) |`,
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...p.configs.map((c) => {
    const errors = [c.difflmError && `difflm failed: ${c.difflmError}`, c.torch2CompiledError && `compiled failed: ${c.torch2CompiledError}`, c.torch2EagerError && `eager failed: ${c.torch2EagerError}`, ...(c.twoProcesses?.errors ?? [])].filter(Boolean).map((e) => e.replaceAll('|', '\\|'));
    const pairCell = c.twoProcesses ? `${f(c.twoProcesses.difflmTokensPerSec)} / ${f(c.twoProcesses.torch2CompiledTokensPerSec)}${c.twoProcesses.ratio == null ? '' : ` (${f(c.twoProcesses.ratio, 2)}x)`}` : '—';
    return `| ${c.name}${errors.length ? ` (${errors.join('; ')})` : ''} | ${c.threads} | ${f(c.difflmTokensPerSec)} | ${f(c.torch2EagerTokensPerSec)} | ${f(c.torch2CompiledTokensPerSec)} | ${c.ratioVsTorch2Compiled == null ? 'n/a' : `${f(c.ratioVsTorch2Compiled, 2)}x`} | ${c.pytorch1 ? f(c.pytorchTokensPerSec) : 'absent'} | ${f(c.gflops, 1)} (${c.fractionOfSgemmPeak == null ? 'n/a' : `${(100 * c.fractionOfSgemmPeak).toFixed(0)}%`}) | ${f(c.peakRssMb)} / ${f(c.torch2CompiledPeakRssMb)} | ${pairCell} |`;
  }),
];
const shape = (m) => (m ? `L${m.nLayers}-D${m.dModel}-H${m.nHeads}, V ${m.vocabSize}, ${m.batch} × ${m.seqLen}` : '');
const cell = (s) => String(s).replaceAll('|', '\\|');
const gpuTable = (p) => [
  '| config | model, batch | difflm tok/s | difflm TFLOP/s | difflm ms/step (median) | composite attention tok/s (fused ×) | PyTorch tok/s | PyTorch TFLOP/s | ratio | notes |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ...p.configs.map((c) => {
    const notes = [c.difflmError && `difflm failed: ${c.difflmError}`, c.compositeError && `composite failed: ${c.compositeError}`, c.pytorchError && `PyTorch failed: ${c.pytorchError}`].filter(Boolean).map(cell).join('; ');
    const msStep = c.difflmStepMs?.length ? median(c.difflmStepMs) : null;
    const torchCell = (v) => (c.pytorchNote ? c.pytorchNote : v);
    return `| ${c.name} | ${shape(c.model)} | ${f(c.difflmTokensPerSec)} | ${f(c.gflops == null ? null : c.gflops / 1000, 4)} | ${f(msStep)} | ${f(c.compositeAttentionTokensPerSec)}${c.fusedOverComposite == null ? '' : ` (${f(c.fusedOverComposite, 2)}×)`} | ${torchCell(f(c.pytorchTokensPerSec))} | ${torchCell(f(c.pytorchGflops == null ? null : c.pytorchGflops / 1000, 4))} | ${f(c.ratio, 2)}${c.ratio == null ? '' : 'x'} | ${notes} |`;
  }),
];
const stepsLine = `Steps per measurement: ${[...new Set(headline.configs.map((c) => `${c.name} ${c.steps}`))].join(', ')} timed after ${[...new Set(headline.configs.map((c) => c.warmup))].join('/')} warm-up; best of ${rounds} round${rounds === 1 ? '' : 's'} per side; median step time.`;
const md = gpu ? [
  `# Training speed on WebGPU (${result.date})`, '',
  ...(machine.softwareAdapter ? ['**Software adapter: these numbers were measured on a CPU rasteriser (e.g. SwiftShader), not a GPU. They show that the path works, not how fast a GPU is.**', ''] : []),
  `Adapter: ${machine.adapter}${machine.softwareAdapter ? ' — software adapter: yes' : ' — software adapter: no'}.`,
  `Host: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}; difflm backend \`webgpu\` (TensorFlow.js's WebGPU kernels on Dawn).`,
  `PyTorch: ${torchDevice === 'cuda' ? `${torchVersion} on ${torchGpu} (CUDA), the same model, loss and Adam; each step timed to loss.item()` : pytorchWhy}.`,
  `Each step is timed to the asynchronous read of its loss (\`await loss.data()\`), which waits for the GPU's work. TFLOP/s = tokens/s × the model's training FLOPs per token (trainFlopsPerToken: 6 × (12·L·d² + d·V) + 12·L·N·d), the same count for both sides.`,
  'difflm runs the attention block as the WGSL kernels of the fused contract (ADR 0005); the composite column is the same run with the composite tf-op graph instead (`DIFFLM_FUSED_KERNELS=0`), and "fused ×" is the kernels\' speed-up.',
  'Configs a and b use a byte vocabulary (V = 256) as on the CPU; l8-d512 is the paper\'s L8-D512 (8 heads of 64) at N = 2048 with the same byte vocabulary, not the paper\'s 2^17 BPE.',
  stepsLine, '',
  ...gpuTable(headline), '',
] : [
  `# Training speed (${result.date})`, '',
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}; difflm backend \`${backend}\`${machine.openblas && backend === 'native' ? ` (OpenBLAS kernel ${machine.openblas.corename}, ${machine.openblas.parallel}, ${machine.openblas.threads} threads)` : ''}; quick-small and quick-large at 1 kernel thread (a study's layout), a and b at ${cores}.`,
  `PyTorch 2: ${torch2 ? `${torch2.version} (${torch2.python.startsWith(root) ? relative(root, torch2.python) : torch2.python}), eager and with torch.compile of the model with its loss and of the optimizer step, its own thread count set to the config's, OMP_WAIT_POLICY unset (each side in its best environment)` : 'missing (DIFFLM_BENCH_PYTHON, or --torch-venv)'}. PyTorch 1.13: ${torch1 ? `${torch1.version} (Debian; 1 torch thread, OPENBLAS_NUM_THREADS=${cores})` : 'absent'}.`,
  `OPENBLAS_CORETYPE=${machine.openblasEnv.OPENBLAS_CORETYPE ?? '(unset)'}, OPENBLAS_L2_SIZE=${machine.openblasEnv.OPENBLAS_L2_SIZE ?? '(unset)'}. Load average before/after: ${machine.loadAverageBefore.join(', ')} / ${machine.loadAverageAfter.join(', ')} (other work on the machine makes absolute numbers noisy; both sides ran in the same invocation).`,
  `Measured sgemm peak: ${f(result.sgemmPeakGflops, 1)} GFLOP/s.`, stepsLine, '',
  ...cpuTable(headline), '',
  ...extra.flatMap((p) => [`## ${p.label} (both sides)`, '', `sgemm peak: ${f(p.sgemmPeakGflops, 1)} GFLOP/s`, '', ...cpuTable(p), '']),
];
writeFileSync(join(out, `${base}.md`), `${md.join('\n')}\n`);
if (json) console.log(JSON.stringify(result, null, 2));
else log(`\nwrote ${join(out, `${base}.json`)} and ${base}.md${partial && !process.env.DIFFLM_BENCH_OUT ? ' (a partial run: bench-results/ is left as it is; DIFFLM_BENCH_OUT=bench-results writes there)' : ''}`);
