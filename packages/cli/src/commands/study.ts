import { defineCommand } from 'citty';
import { oneLine } from '../run-cli.js';
import { backendArg, runExecutorFromFlags } from '../shared-args.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';

// `difflm study`: run a scaling study (a preset or a JSON file) locally or through Redis, then write
// its report. `--dry-run` prints the grid, each run's FLOPs and tokens and estimated wall times.
/** Backends whose run processes share one GPU (one process at a time by default). */
const GPU_BACKENDS = new Set(['webgpu', 'tensorflow-gpu']);

/** Run processes of a study: --workers when given; else one per core, or one on a GPU backend. */
export function defaultWorkers(backend: string, flag: number | undefined, cores = availableParallelism()): number {
  return flag ?? (GPU_BACKENDS.has(backend) ? 1 : cores);
}

export default defineCommand({
  meta: { name: 'study', description: 'Run a scaling study (noise types × sizes × IsoFLOP budgets) and write its report.' },
  args: {
    preset: { type: 'string', description: 'Built-in study: quick (minutes on 2 cores), micro (hours), paper (SPEC §4, GPUs)' },
    file: { type: 'string', description: 'Study definition (JSON); see examples/study/studies/' },
    'dry-run': { type: 'boolean', description: 'Print the grid, FLOPs, tokens and estimated wall time; run nothing' },
    dir: { type: 'string', description: 'Study directory (default ./studies/<name>)' },
    workers: { type: 'string', description: 'Local run processes (default: one per core; one on a GPU backend, webgpu or tensorflow-gpu, which they would share)' },
    seed: { type: 'string', description: "The study's seed (training data order, init and noise of every run; replicates use seed+1, ...); default the definition's. A seed given here also names the default directory (./studies/<name>-seed<k>)" },
    redis: { type: 'string', description: 'Distributed mode: enqueue on this Redis (redis://[:password@]host:port, rediss:// for TLS) for `difflm worker`s' },
    queue: { type: 'string', description: 'BullMQ queue name (default difflm-runs)' },
    backend: backendArg,
    'max-attempts': { type: 'string', description: 'Attempts per run before it is marked failed (default 3), across restarts of the study' },
    'retry-failed': { type: 'boolean', description: 'Run failed runs again with a fresh set of attempts (without it, a run that used up its attempts stays failed)' },
    report: { type: 'boolean', description: 'Write the report when the study finishes (--no-report to skip)', default: true },
    json: { type: 'boolean', description: 'Print a JSON summary on stdout' },
  },
  async run({ args, rawArgs }) {
    try {
      const s = await import('@difflm/study');
      if (!args.preset === !args.file) throw new Error('give exactly one of --preset <quick|micro|paper> or --file <study.json>');
      let definition = args.file
        ? s.parseStudyJson(readFileSync(args.file, 'utf8'), args.file)
        : s.parseStudyDefinition(s.studyPreset(args.preset!), `preset ${args.preset}`);
      // Plug-in modules: paths relative to the study file become absolute (study.json and the run processes use them
      // from anywhere); loaded now, so a missing one is an error before any work, and the plan checks their noise types.
      if (definition.plugins.length) {
        const { configFilePlugins } = await import('../shared-args.js');
        definition = { ...definition, plugins: configFilePlugins(definition.plugins, args.file ?? join(process.cwd(), 'study.json')) };
      }
      const { loadPlugins } = await import('@difflm/compose');
      const { createLossWeightingRegistry, createNoiseRegistry, createScheduleRegistry } = await import('@difflm/noise');
      const loaded = await loadPlugins(definition.plugins, process.cwd(), `${args.file ?? 'the study'}: plugins`);
      const lossWeightingRegistry = createLossWeightingRegistry(loaded);
      const noiseRegistry = createNoiseRegistry(loaded);
      const scheduleRegistry = createScheduleRegistry(loaded);
      const optimizerRegistry = (await import('@difflm/trainer')).createOptimizerRegistry(loaded);
      const workersFlag = args.workers ? positiveInt(args.workers, '--workers') : undefined;
      let workers = workersFlag ?? availableParallelism();
      if (args.redis) s.redisOptionsFromUrl(args.redis); // a malformed URL is an error with --dry-run too
      if (args.seed !== undefined) {
        const seed = Number(args.seed);
        if (!Number.isSafeInteger(seed) || seed < 0 || args.seed.trim() === '') throw new Error(`--seed must be a non-negative integer, got "${args.seed}"`);
        definition = { ...definition, seed };
      }
      // The whole plan is checked before any work (the backend is not even chosen yet).
      const plan = s.planStudy(definition, { noiseRegistry, scheduleRegistry, optimizerRegistry, lossWeightingRegistry });
      const dir = s.resolveStudyDir({ ...(args.dir ? { dir: args.dir } : { name: args.seed !== undefined ? `${definition.name}-seed${definition.seed}` : definition.name }) });
      if (args['dry-run']) {
        // Runs of this study that already finished here calibrate a measured estimate.
        const db = s.studyPaths(dir).db;
        let measured;
        if (existsSync(db)) {
          const store = s.openResultsStore(db);
          measured = s.measuredCost(store.list({ study: definition.name, status: 'done' }));
          store.close();
        }
        const prediction = await s.studyOptimumPrediction(definition, dir);
        const bracket = prediction ? { prediction, warnings: s.bracketWarnings(definition, prediction) } : undefined;
        // A GPU's speed cannot be stored: on --backend webgpu|tensorflow-gpu, measure it on the largest run's model.
        const gpu = GPU_BACKENDS.has(args.backend) ? await measureGpuThroughput(args.backend, plan, loaded) : undefined;
        if (gpu) workers = defaultWorkers(gpu.backend, workersFlag);
        // Estimates only for backends that can run here; the others are named with why.
        const { probeBackend } = await import('@difflm/backends');
        const probes = gpu ? [] : await Promise.all(s.STORED_THROUGHPUT.map(async (t) => ({ t, probe: await probeBackend(t.backend) })));
        const usable = gpu ? [gpu] : probes.filter((p) => p.probe.available).map((p) => p.t);
        const unavailable = probes.flatMap((p) => (p.probe.available ? [] : [{ backend: p.t.backend, reason: p.probe.reason }]));
        const precision = s.predictPrecision(plan);
        const summary = s.summarizeDryRun(plan, usable, workers, measured, bracket, unavailable, precision);
        process.stdout.write(args.json ? `${JSON.stringify(summary, null, 2)}\n` : `${s.formatDryRun(summary)}\n`);
        return;
      }
      const executor = runExecutorFromFlags(rawArgs, args.backend, () => s.fakeOptionsFromEnv(process.env), definition.plugins);
      if (executor.name === 'trainer' && !args.redis) {
        // The run processes select the backend the same way on this machine: say which one they will train on.
        const { createBackendRegistry, selectBackend } = await import('@difflm/backends');
        const chosen = await selectBackend(args.backend, { backends: createBackendRegistry(loaded) });
        // A GPU backend: one run process at a time on the GPU unless --workers says more (they would share it).
        workers = defaultWorkers(chosen.name, workersFlag);
        const t = Number(process.env.OPENBLAS_NUM_THREADS ?? 1);
        process.stderr.write(`${workers} run process${workers === 1 ? '' : 'es'} train on ${chosen.description.replace(/\d+ threads?/, `${t} kernel thread${t === 1 ? '' : 's'} each`)}\n`);
      }
      const { createStudyProgress } = await import('./study-progress.js');
      const progress = createStudyProgress(!args.json);
      const t0 = Date.now();
      let outcome;
      try {
        outcome = await s.runStudy({
          definition, dir, executor, workers, noiseRegistry, scheduleRegistry, optimizerRegistry, lossWeightingRegistry,
          ...(args.redis ? { redisUrl: args.redis } : {}),
          ...(args.queue ? { queue: args.queue } : {}),
          ...(args['max-attempts'] ? { maxAttempts: positiveInt(args['max-attempts'], '--max-attempts') } : {}),
          ...(args['retry-failed'] ? { retryFailed: true } : {}),
          onEvent: (e) => {
            // Losing Redis is said even with --json (stderr; stdout keeps the JSON): once when lost, once when back.
            if (e.type === 'redis-lost') process.stderr.write(`lost Redis at ${s.redactRedisUrl(args.redis ?? '')} (${e.error}); retrying, the workers' runs go on\n`);
            else if (e.type === 'redis-back') process.stderr.write('Redis is back\n');
            else if (e.type === 'runs-exhausted') process.stderr.write(`${e.count} run${e.count === 1 ? '' : 's'} failed all ${e.maxAttempts} attempts before and ${e.count === 1 ? 'is' : 'are'} not run again; pass --retry-failed to run ${e.count === 1 ? 'it' : 'them'} with a fresh set\n`);
            else progress.onEvent(e);
          },
        });
      } finally {
        progress.stop();
      }
      const wallSeconds = (Date.now() - t0) / 1000;
      let report: { markdown: string } | undefined;
      if (args.report && outcome.done + outcome.skipped > 0) report = await s.writeStudyReport({ dir });
      const summary = { study: definition.name, dir, db: outcome.dbPath, runs: outcome.plan.runs.length, skipped: outcome.skipped, done: outcome.done, failed: outcome.failed, wallSeconds, report: report?.markdown ?? null };
      if (args.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      else {
        process.stdout.write(`study ${definition.name}: ${outcome.done} runs done, ${outcome.skipped} already done, ${outcome.failed} failed in ${s.formatDuration(wallSeconds)}\n`);
        process.stdout.write(`results: ${outcome.dbPath}\n${report ? `report: ${report.markdown}\n` : ''}`);
      }
      if (outcome.failed > 0) process.exitCode = 1;
    } catch (e) {
      process.stderr.write(`difflm study: ${oneLine(e instanceof Error ? e.message : String(e))}\n`);
      process.exitCode = 1;
    }
  },
});

/**
 * The dry run's throughput on a GPU backend: start it as a run process would, then train a few timed steps of the
 * plan's largest run. When the backend cannot start (or the steps fail), one line on stderr says why and the dry run
 * falls back to the stored CPU rates (undefined).
 */
export async function measureGpuThroughput(backend: string, plan: import('@difflm/study').StudyPlan, plugins: readonly unknown[], o: { warmup?: number; steps?: number } = {}): Promise<import('@difflm/study').MeasuredThroughput | undefined> {
  const s = await import('@difflm/study');
  try {
    const { createBackendRegistry, selectBackend } = await import('@difflm/backends');
    const chosen = await selectBackend(backend, { backends: createBackendRegistry(plugins) });
    const name = chosen.environment.adapterName;
    const device = typeof name === 'string' ? name : chosen.description; // the adapter's name, not its limits
    // A kernel the device rejects would stop a run; here it makes the measurement fail, and the dry run falls back.
    let rejected: Error | undefined;
    chosen.onDeviceError?.((e) => { rejected ??= e; });
    const measured = await s.measureThroughput(s.largestRun(plan), { backend: chosen.name, device, plugins, ...o });
    await new Promise((r) => setTimeout(r, 50)); // the device reports asynchronously
    if (rejected) throw rejected;
    return measured;
  } catch (e) {
    process.stderr.write(`difflm study: --dry-run could not measure ${backend}'s throughput (${oneLine(e instanceof Error ? e.message : String(e))}); the estimates below use the stored CPU rates\n`);
    return undefined;
  }
}

function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer, got "${v}"`);
  return n;
}
