// The real executor: trains a study run with @difflm/trainer/node's runTraining in the run's directory
// (resuming from its last checkpoint when a crashed attempt left one), on the TensorFlow.js backend
// named in the options. The loss curve is the EMA (γ = 0.96, SPEC §5.2) of the per-step training ELBO.
import { existsSync, readdirSync } from 'node:fs';
import { openShards } from '@difflm/data';
import { readJsonl, runPaths, runTraining, type TrainRunConfigInput } from '@difflm/trainer/node';
import type { RunConfig } from './run-config.js';
import { CURVE_EMA_GAMMA, type CurvePoint, type RunContext, type RunExecutor, type RunResult } from './run-executor.js';
import { loadPlugins, preparedDataDir, runComponentsWith, runPluginRecords, type PluginRecord } from '@difflm/compose';
import { branchKey, branchSeKey, readKey, readSeKey } from './read-keys.js';

/** Points kept per loss curve (thinned evenly; the last step is always kept). */
const CURVE_POINTS = 200;

export interface TrainerExecutorOptions {
  /** TensorFlow.js backend: auto | wasm | cpu | native | tensorflow | tensorflow-gpu | a plug-in backend's id. */
  readonly backend?: string;
  /** Plug-in modules (package names or absolute paths) of any kind; each run records those that shape it (not backends). */
  readonly plugins?: readonly string[];
}

/** The trainer's JSON run config for a study run. Extra `trainer` settings of the study pass through. */
export function trainRunConfigOf(config: RunConfig, dataDir: string, vocabSize: number, plugins: readonly PluginRecord[] = []): TrainRunConfigInput {
  const extra = config.trainer as Partial<TrainRunConfigInput> & { objectiveOptions?: Record<string, unknown> };
  const { objectiveOptions, schedule, eval: evalSettings, ...rest } = extra;
  // A run read along the way (the curve design) is evaluated on the held-out set at each read's step, unless
  // its reads come from its fitted training curve. The branches design reads cooldown branches that end there.
  const readSteps = [...new Set((config.reads ?? []).map((r) => r.step))].sort((a, b) => a - b);
  const atSteps = config.branches || config.readFrom === 'train-ema' ? [] : readSteps.filter((s) => s < config.steps);
  const branches = config.branches && readSteps.length ? { branches: { atSteps: readSteps, fraction: config.branches.fraction } } : {};
  return {
    checkpointEvery: Math.max(1, Math.ceil(config.steps / 4)),
    ...rest,
    eval: { every: 0, batches: 4, ...evalSettings, ...(atSteps.length ? { atSteps } : {}), ...branches },
    model: { vocabSize, seqLen: config.seqLen, dModel: config.model.width, nLayers: config.model.layers, nHeads: config.model.heads, ...(config.model.init ? { init: config.model.init } : {}) },
    objective: { kind: 'diffusion', noise: config.noise, objectiveOptions: objectiveOptions ?? {} },
    schedule: { cooldown: 0, ...schedule, peakLr: config.lr, warmupSteps: config.warmupSteps },
    budget: { steps: config.steps },
    batchSize: config.batchSequences,
    seqLen: config.seqLen,
    data: { dir: dataDir },
    seed: config.seed,
    ...(plugins.length ? { plugins: [...plugins] } : {}),
  };
}

interface StepRow { step: number; elbo: number; tokens: number; tokensPerSec: number }

function curveOf(rows: readonly StepRow[]): { curve: CurvePoint[]; ema: number } {
  const every = Math.max(1, Math.floor(rows.length / CURVE_POINTS));
  const curve: CurvePoint[] = [];
  let ema = Number.NaN;
  rows.forEach((r, i) => {
    ema = Number.isNaN(ema) ? r.elbo : CURVE_EMA_GAMMA * ema + (1 - CURVE_EMA_GAMMA) * r.elbo;
    if ((i + 1) % every === 0 || i === rows.length - 1) curve.push({ step: r.step, tokens: r.tokens, loss: ema });
  });
  return { curve, ema };
}

export function trainerExecutor(options: Readonly<Record<string, unknown>>): RunExecutor {
  const { backend = 'auto', plugins = [] } = options as TrainerExecutorOptions;
  let ready: Promise<unknown> | undefined;
  // The plug-ins are imported once per run process, on its first run; a module that cannot load fails that run. The
  // same loaded list builds the backend registry and the run components.
  let loaded: Promise<unknown[]> | undefined;
  const loadOnce = (): Promise<unknown[]> => (loaded ??= loadPlugins(plugins, process.cwd(), 'study plugins'));
  let built: Promise<{ components: ReturnType<typeof runComponentsWith>; records: PluginRecord[] }> | undefined;
  const build = async () => {
    const modules = await loadOnce();
    return { components: runComponentsWith(modules), records: runPluginRecords(plugins, modules) };
  };
  return {
    name: 'trainer',
    async run(config: RunConfig, ctx: RunContext): Promise<RunResult> {
      // The backend may be a plug-in's: the study's plug-in list builds the backend registry too.
      ready ??= Promise.all([import('@difflm/backends'), loadOnce()]).then(([b, modules]) => b.selectBackend(backend, { backends: b.createBackendRegistry(modules) }));
      const selected = (await ready) as { environment?: Readonly<Record<string, string | number | boolean | null>> };
      const t0 = Date.now();
      const dataDir = await preparedDataDir(config.data);
      const shards = openShards(dataDir);
      const vocabSize = shards.metadata.vocabSize;
      built ??= build();
      const { components, records } = await built;
      const resume = existsSync(ctx.runDir) && readdirSync(ctx.runDir).length > 0;
      let lastProgress = 0;
      const result = await runTraining({
        runDir: ctx.runDir,
        config: trainRunConfigOf(config, dataDir, vocabSize, records),
        components,
        resume,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        ...(selected?.environment ? { environment: selected.environment } : {}),
        onProgress: (e) => {
          // At most ~5 progress messages a second: tiny models take thousands of steps a minute, and a message per
          // step (serialised, sent over IPC, drawn) is time the run does not train.
          if (e.type !== 'step') return;
          const now = Date.now();
          if (now - lastProgress < 200 && e.metrics.step < e.totalSteps) return;
          lastProgress = now;
          ctx.onProgress?.({ step: e.metrics.step, steps: e.totalSteps, loss: e.metrics.elbo, tokensPerSec: e.metrics.tokensPerSec });
        },
      });
      if (result.stopped) throw new Error(`run ${ctx.runId} stopped at step ${result.steps} of ${result.totalSteps}`);
      const rows = readJsonl<StepRow>(runPaths(ctx.runDir).metrics);
      const { curve, ema } = curveOf(rows);
      const metrics: Record<string, number> = { trainElboEma: ema, steps: result.steps, tokens: result.tokens, flops: result.flops };
      if (result.last) metrics.lastTrainElbo = result.last.elbo;
      if (result.eval) {
        metrics.evalElbo = result.eval.elbo;
        metrics.evalPplBound = result.eval.pplBound;
        metrics.evalBitsPerByte = result.eval.bitsPerByte;
        if (result.eval.standardError !== null && Number.isFinite(result.eval.standardError)) metrics.evalStandardError = result.eval.standardError;
        metrics.evalTokens = result.eval.tokens;
      }
      if (config.reads?.length) {
        // Each read's evaluation: of its cooldown branch (branches.jsonl, by target step), or of the run itself at
        // that step (eval.jsonl; the last read is the final evaluation above).
        type Row = { step: number; target?: number; elbo: number; standardError: number | null };
        const paths = runPaths(ctx.runDir);
        const rows = new Map(readJsonl<Row>(config.branches ? paths.branches : paths.eval).map((e) => [config.branches ? e.target : e.step, e]));
        const [key, seKey] = config.branches ? [branchKey, branchSeKey] : [readKey, readSeKey];
        for (const { step } of config.reads) {
          const e = rows.get(step);
          if (!e || !Number.isFinite(e.elbo)) continue;
          metrics[key(step)] = e.elbo;
          if (e.standardError !== null && Number.isFinite(e.standardError)) metrics[seKey(step)] = e.standardError;
        }
      }
      // Passes over the training split (above 1 the training ELBO is partly on tokens the run has seen).
      const trainTokens = shards.metadata.splits.train.tokens;
      if (trainTokens > 0) metrics.epochs = result.tokens / trainTokens;
      // The kernel thread count is part of what makes a run reproducible (bit-exact at a given count).
      const threads = Number(process.env.OPENBLAS_NUM_THREADS);
      if (Number.isInteger(threads) && threads > 0) metrics.threads = threads;
      const secs = (Date.now() - t0) / 1000;
      metrics.tokensPerSec = result.tokens / secs;
      return { finalLoss: ema, metrics, curve, wallSeconds: secs };
    },
  };
}
