// runTraining: one training run in a run directory, resumable after a kill at any point.
// Everything that can fail on bad input (config, data, model shape, checkpoint) is checked before the
// run directory is created or touched, so a failed start leaves no half-made run behind.
import { cooldownBranchStart } from '../cooldown-branch.js';
import { totalmem } from 'node:os';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { autoregressiveObjective } from '../autoregressive-objective.js';
import { diffusionObjective } from '../diffusion-objective.js';
import { evaluateHeldOutAsync, type EvalMetrics } from '../evaluate.js';
import { createTrainer, type StepMetrics } from '../trainer.js';
import type { TrainerState } from '../trainer-state.js';
import type { TrainingObjective } from '../training-objective.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint-file.js';
import type { RunComponents } from './run-components.js';
import { optimizerOptionsOf, parseTrainRunConfig, readStoredRunConfig, type TrainRunConfig } from './run-config.js';
import { acquireRunLease, OWNER_FILE, type RunLease } from './run-lease.js';
import { checkRunHistory, evalRowProblem } from './run-history.js';
import { appendJsonl, checkpointPath, listCheckpoints, readJsonlLenient, removeDeadTempFiles, runPaths, truncateJsonl, writeFileAtomic } from './run-dir.js';

export type ProgressEvent =
  | { readonly type: 'step'; readonly totalSteps: number; readonly metrics: StepMetrics }
  | { readonly type: 'eval'; readonly step: number; readonly metrics: EvalMetrics }
  | { readonly type: 'checkpoint'; readonly step: number; readonly path: string }
  /** Something about the run directory the user should know (printed as one line; training goes on). */
  | { readonly type: 'warning'; readonly message: string };

export interface RunTrainingOptions {
  readonly runDir: string;
  /** The run config (validated). May be omitted when resuming: the run's config.json is used. */
  readonly config?: unknown;
  readonly components: RunComponents;
  /** Continue an existing run from its last checkpoint (a new run when the directory does not exist). */
  readonly resume?: boolean;
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Stop early (after writing a checkpoint) when aborted. */
  readonly signal?: AbortSignal;
  /**
   * What this session trains on (backend, kernel, threads, …), appended to `environment.jsonl` with the step it
   * starts from, so a run directory says what ran each stretch of it; the last one is in summary.json.
   */
  readonly environment?: Readonly<Record<string, string | number | boolean | null>>;
  /**
   * How long the run directory stays this process's without a check (run-lease.ts; default DIFFLM_RUN_LEASE_MS or
   * 60 s): another process may take a directory over only after its owner stalled that long, or died on this host.
   */
  readonly leaseMs?: number;
}

export interface RunResult {
  readonly runDir: string;
  readonly steps: number;
  readonly totalSteps: number;
  readonly tokens: number;
  readonly flops: number;
  /** Last training step's metrics (null when no step ran). */
  readonly last: StepMetrics | null;
  /** Final held-out evaluation (null when eval.batches = 0 or stopped early). */
  readonly eval: EvalMetrics | null;
  readonly stopped: boolean;
  readonly resumedFrom: number | null;
  /**
   * Step ranges [from, to] missing from metrics.jsonl before the resumed stretch (the file was cut or edited
   * while the run was stopped): they cannot be recovered; the weights and the later rows are unaffected.
   */
  readonly metricsGaps?: readonly (readonly [number, number])[];
  /** The environment this session ran in (RunTrainingOptions.environment), when given. */
  readonly environment?: Readonly<Record<string, string | number | boolean | null>>;
}

const canonical = (v: unknown): string => JSON.stringify(v);

/** The step ranges in 1..upTo that no row of `rows` holds (rows of a metrics log, one per step). */
export function missingSteps(rows: readonly Record<string, unknown>[], upTo: number): [number, number][] {
  // From the rows present (not an array of upTo flags: a forged step count must not size an allocation).
  const seen = [...new Set(rows.map((r) => r.step).filter((k): k is number => typeof k === 'number' && Number.isInteger(k) && k >= 1 && k <= upTo))].sort((a, b) => a - b);
  const gaps: [number, number][] = [];
  let next = 1;
  for (const k of [...seen, upTo + 1]) {
    if (k > next) gaps.push([next, k - 1]);
    next = k + 1;
  }
  return gaps;
}

export async function runTraining(o: RunTrainingOptions): Promise<RunResult> {
  const paths = runPaths(o.runDir);
  // A directory holding nothing but an empty checkpoints/ folder (and dead writers' temp files) is what a kill
  // during a run's creation leaves: nothing of it is worth keeping, so it counts as new.
  const leftovers = existsSync(paths.root) ? readdirSync(paths.root) : [];
  const onlyCreationDebris = leftovers.length > 0 && !existsSync(paths.config) && leftovers.every((f) =>
    (f === 'checkpoints' && lstatSync(paths.checkpoints).isDirectory() && readdirSync(paths.checkpoints).length === 0) || /\.tmp-\d+$/.test(f) || f === OWNER_FILE);
  if (onlyCreationDebris) removeDeadTempFiles(paths);
  const exists = leftovers.length > 0 && !onlyCreationDebris;
  if (exists && !o.resume) throw new Error(`run directory ${paths.root} already exists and is not empty: pass resume (--resume) to continue it, or choose another run directory`);
  if (exists && !existsSync(paths.config)) throw new Error(`${paths.root} is not a difflm run directory (no config.json): choose an empty or new run directory`);

  let config: TrainRunConfig;
  if (exists) {
    config = readStoredRunConfig(paths.config, 'restore the file, or start a new run');
    if (o.config !== undefined) {
      const given = parseTrainRunConfig(o.config);
      if (canonical(given) !== canonical(config)) {
        const fields = differingPaths(JSON.parse(canonical(given)), JSON.parse(canonical(config)));
        throw new Error(`resume: ${fields.slice(0, 4).map((f) => `${f.path} (${f.given} here, ${f.stored} in the run)`).join(', ')}${fields.length > 4 ? ` and ${fields.length - 4} more` : ''} differ from ${paths.config}: resume with the run's own settings (omit the flags or config), or start a new run directory`);
      }
    }
  } else {
    if (o.config === undefined) throw new Error(`no config given and ${paths.root} holds no run to resume: pass a config`);
    config = parseTrainRunConfig(o.config);
  }

  // Everything below may throw on bad input; nothing is written yet. The latest checkpoint is read first: it
  // records the config it was written by, so an edited config.json is named before anything is built from it.
  let resumeState: TrainerState | null = null;
  const latest = exists ? listCheckpoints(paths).at(-1) : undefined;
  if (latest) {
    const decoded = decodeCheckpoint(new Uint8Array(readFileSync(latest.path)), latest.path, latest.step);
    if (canonical(decoded.config) !== canonical(config)) throw new Error(`checkpoint ${latest.path} was written by a different config than ${paths.config}: the run directory is inconsistent; restore config.json, or start a new run`);
    resumeState = decoded.state;
  }
  assertFitsInMemory(config);
  // A stored config that the components refuse (a run stopped before its first checkpoint) names the file.
  const fromStored = async <T>(build: () => T | Promise<T>): Promise<T> => {
    if (!exists) return build();
    try { return await build(); } catch (e) { throw new Error(`${paths.config}: ${(e as Error).message}`); }
  };
  const data = await fromStored(() => o.components.openData(config.data));
  const model = await fromStored(() => o.components.createModel(config.model, { seed: config.seeds?.init ?? config.seed }));
  try {
    if (model.shape.vocabSize !== data.tokens.vocabSize) {
      throw new Error(`model.vocabSize (${model.shape.vocabSize}) must equal the data's vocabulary size (${data.tokens.vocabSize}): set model.vocabSize to ${data.tokens.vocabSize}`);
    }
    let objective: TrainingObjective;
    if (config.objective.kind === 'diffusion') {
      const { noise, objectiveOptions } = config.objective;
      const noiseObjective = await fromStored(() => o.components.createNoiseObjective(noise, data.tokens, objectiveOptions));
      const density = o.components.logSnrDensity?.(noiseObjective);
      objective = diffusionObjective(noiseObjective, { eval: { levels: config.eval.levels, ...(density ? { logSnrDensity: density } : {}) } });
    } else {
      objective = autoregressiveObjective();
    }
    let lease: RunLease | undefined;
    const trainer = createTrainer({
      model, objective,
      data: data.batches({ split: 'train', batchSize: config.batchSize, seqLen: config.seqLen, seed: config.seeds?.data ?? config.seed }),
      optimizer: optimizerOptionsOf(config.optimizer),
      ...(o.components.optimizers ? { optimizers: o.components.optimizers } : {}),
      schedule: config.schedule,
      budget: config.budget,
      gradAccumSteps: config.gradAccumSteps,
      clipGradNorm: config.clipGradNorm,
      seed: config.seeds?.noise ?? config.seed + 1,
    });
    try {
      if (resumeState) {
        try {
          trainer.setState(resumeState);
        } catch (e) {
          // The digest vouches for the bytes, not for what they say: a state this run cannot have reached is refused.
          throw new Error(`checkpoint ${latest!.path} cannot be resumed: ${(e as Error).message}. Delete it to resume from an earlier checkpoint, or start a new run`);
        }
      }
      // Inputs are good: now the run directory becomes consistent with the restored state.
      // config.json first: from then on the directory is a run that can be resumed, whatever is killed next.
      mkdirSync(paths.root, { recursive: true });
      // Nothing is written before the directory is ours (another process may be training it: a second worker given
      // the same job, a second resume).
      lease = acquireRunLease(paths.root, o.leaseMs !== undefined ? { leaseMs: o.leaseMs } : {});
      if (!exists) writeFileAtomic(paths.config, `${JSON.stringify(config, null, 2)}\n`);
      mkdirSync(paths.checkpoints, { recursive: true });
      removeDeadTempFiles(paths);
      const pruneCheckpoints = (): void => {
        for (const old of listCheckpoints(paths).slice(0, -config.keepCheckpoints)) rmSync(old.path, { force: true });
      };
      // A kill between writing a checkpoint and pruning the old ones leaves one too many: prune now.
      pruneCheckpoints();
      const fromStep = resumeState?.step ?? 0;
      if (exists) {
        checkRunHistory(paths, {
          upTo: fromStep, tokensPerStep: trainer.tokensPerStep, flopsPerStep: model.flopsPerToken() * trainer.tokensPerStep,
          lrOfStep: (k) => trainer.schedule.at(k - 1), reEvaluatesFinal: trainer.done,
        });
      }
      truncateJsonl(paths.metrics, fromStep, true);
      truncateJsonl(paths.eval, fromStep, true);
      truncateJsonl(paths.branches, fromStep);
      const metricsGaps = missingSteps(readJsonlLenient(paths.metrics), fromStep);
      if (metricsGaps.length > 0) {
        o.onProgress?.({ type: 'warning', message: `${paths.metrics} lacks the rows of step${metricsGaps.length === 1 && metricsGaps[0]![0] === metricsGaps[0]![1] ? '' : 's'} ${metricsGaps.map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`)).join(', ')} (cut or edited while the run was stopped); they cannot be recovered, training resumes from the step-${fromStep} checkpoint and summary.json lists the gap` });
      }
      if (o.environment) appendJsonl(paths.environment, { step: fromStep, at: new Date().toISOString(), ...o.environment });
      rmSync(paths.summary, { force: true });

      // null when a stop (SIGINT/SIGTERM) arrives during the evaluation: it yields between batches.
      const evaluate = (): Promise<EvalMetrics | null> => evaluateHeldOutAsync({
        signal: o.signal,
        model, objective,
        source: data.batches({ split: 'validation', batchSize: config.eval.batchSize ?? config.batchSize, seqLen: config.seqLen, seed: config.eval.seed }),
        batches: config.eval.batches, seed: config.eval.seed, bytesPerToken: data.bytesPerToken,
      });
      const checkpoint = async (): Promise<void> => {
        const state = await trainer.getStateAsync();
        lease!.check();
        const path = checkpointPath(paths, trainer.step);
        writeFileAtomic(path, encodeCheckpoint(state, config));
        pruneCheckpoints();
        o.onProgress?.({ type: 'checkpoint', step: trainer.step, path });
      };

      const evalSteps = new Set(config.eval.atSteps);
      // Cooldown branches by the trunk step they leave from (cooldownBranchStart: T − ⌈fraction·T⌉, at least one step back).
      const branchesFrom = new Map<number, number[]>();
      for (const target of [...new Set(config.eval.branches.atSteps)].sort((a, b) => a - b)) {
        if (target > trainer.totalSteps) continue;
        const from = cooldownBranchStart(target, config.eval.branches.fraction);
        branchesFrom.set(from, [...(branchesFrom.get(from) ?? []), target]);
      }
      const branchedAt = new Set(readJsonlLenient(paths.branches).map((r) => (r as { target?: unknown }).target).filter((t): t is number => typeof t === 'number'));
      /** Run the branches that leave from the trunk's current step; false when a stop arrived during one. */
      const runBranches = async (): Promise<boolean> => {
        for (const target of branchesFrom.get(trainer.step) ?? []) {
          if (branchedAt.has(target)) continue;
          const trunk = await trainer.getStateAsync();
          const from = trainer.step, length = target - from, startLr = trainer.schedule.at(from);
          trainer.setLrOverride((s) => startLr * (1 - Math.sqrt((s + 1 - from) / length)));
          let ok = true;
          try {
            while (trainer.step < target) {
              await new Promise<void>((resolve) => setImmediate(resolve));
              if (o.signal?.aborted) { ok = false; break; }
              await trainer.trainStep();
            }
            const m = ok ? await evaluate() : null;
            if (!m) ok = false;
            else {
              lease!.check();
              appendJsonl(paths.branches, { step: from, target, cooldownSteps: length, ...m });
              branchedAt.add(target);
              o.onProgress?.({ type: 'eval', step: target, metrics: m });
            }
          } finally {
            trainer.setLrOverride(null);
            trainer.setState(trunk);
          }
          if (!ok) return false;
        }
        return true;
      };
      let last: StepMetrics | null = null;
      let stopped = false;
      let evalInterrupted = false;
      while (!trainer.done) {
        // Yield to the event loop so signal handlers (SIGINT/SIGTERM → abort) and timers can run.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (o.signal?.aborted) { stopped = true; break; }
        last = await trainer.trainStep();
        lease.check();
        appendJsonl(paths.metrics, last);
        o.onProgress?.({ type: 'step', totalSteps: trainer.totalSteps, metrics: last });
        const evalDue = (config.eval.every > 0 && trainer.step % config.eval.every === 0) || evalSteps.has(trainer.step);
        if (evalDue && config.eval.batches > 0 && !trainer.done) {
          const m = await evaluate();
          if (!m) {
            // Stopped during this step's evaluation: no checkpoint at this step, so a resume retrains from the
            // last one and evaluates here again (nothing of eval.jsonl is lost).
            stopped = true;
            evalInterrupted = true;
            break;
          }
          lease.check();
          appendJsonl(paths.eval, { step: trainer.step, ...m });
          o.onProgress?.({ type: 'eval', step: trainer.step, metrics: m });
        }
        // Branches leave before this step's checkpoint: a stop during one leaves no checkpoint here, so a resume
        // retrains to this step and branches again.
        if (branchesFrom.has(trainer.step) && config.eval.batches > 0 && !(await runBranches())) {
          stopped = true;
          evalInterrupted = true;
          break;
        }
        if (trainer.step % config.checkpointEvery === 0 || trainer.done) await checkpoint();
      }
      if (stopped && !evalInterrupted && trainer.step > (listCheckpoints(paths).at(-1)?.step ?? 0)) await checkpoint();
      let finalEval: EvalMetrics | null = null;
      // Resuming a run that had already finished: its last step's metrics and its final evaluation are on disk.
      // Both are checked before they are trusted; an evaluation that does not hold finite numbers is run again
      // from the final checkpoint's weights.
      if (last === null && trainer.done) last = finiteRecord(readJsonlLenient(paths.metrics).findLast((r) => r.step === trainer.step), ['step', 'loss', 'elbo', 'lr', 'tokens', 'flops']) as StepMetrics | null;
      const previous = last !== null && trainer.done && resumeState?.step === trainer.step
        ? trustedEval(readJsonlLenient(paths.eval).findLast((e) => e.step === trainer.step))
        : null;
      if (previous) {
        // Resuming a finished run: its final evaluation is already on disk.
        const { step: _, ...metrics } = previous;
        finalEval = metrics;
      } else if (!stopped && config.eval.batches > 0) {
        finalEval = await evaluate();
        if (finalEval) {
          // A row already at this step is one that could not be trusted (a finished run resumed): replace it.
          if (resumeState?.step === trainer.step) truncateJsonl(paths.eval, trainer.step - 1);
          lease.check();
          appendJsonl(paths.eval, { step: trainer.step, ...finalEval });
          o.onProgress?.({ type: 'eval', step: trainer.step, metrics: finalEval });
        } else stopped = true; // stopped during the final evaluation: a resume evaluates again
      }
      const result: RunResult = {
        runDir: paths.root, steps: trainer.step, totalSteps: trainer.totalSteps, tokens: trainer.tokens,
        flops: trainer.flops, last, eval: finalEval, stopped, resumedFrom: resumeState ? resumeState.step : null,
        ...(metricsGaps.length ? { metricsGaps } : {}),
        ...(o.environment ? { environment: o.environment } : {}),
      };
      lease.check();
      if (!stopped) writeFileAtomic(paths.summary, `${JSON.stringify(result, null, 2)}\n`);
      return result;
    } finally {
      lease?.release();
      trainer.dispose();
    }
  } finally {
    model.dispose();
  }
}

/** Dotted paths where two JSON values differ, with both values (compact JSON), for a one-line message. */
function differingPaths(a: unknown, b: unknown, at = ''): { path: string; given: string; stored: string }[] {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort().flatMap((k) => differingPaths(a[k], b[k], at ? `${at}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path: at || '(config)', given: JSON.stringify(a) ?? 'unset', stored: JSON.stringify(b) ?? 'unset' }];
}

/**
 * Refuse a model and batch that cannot fit in this machine's memory, before building them (a 64-layer model used
 * to end in a WebAssembly abort). The estimate is rough on purpose — weights, gradients and two optimizer moments
 * (16 bytes per parameter) plus about 24·d·L + 3·V floats of activations per token — and only refuses what is
 * clearly impossible (more than 90% of the memory).
 */
export function assertFitsInMemory(config: TrainRunConfig, totalBytes: number = totalmem()): void {
  const m = config.model as { dModel?: unknown; nLayers?: unknown; vocabSize?: unknown };
  const d = typeof m.dModel === 'number' ? m.dModel : NaN, L = typeof m.nLayers === 'number' ? m.nLayers : NaN;
  const V = typeof m.vocabSize === 'number' ? m.vocabSize : 50_000;
  if (!(d > 0 && L > 0)) return; // the model factory validates the architecture itself
  const params = 12 * L * d * d + 2 * V * d;
  const tokens = config.batchSize * config.seqLen;
  const bytes = 16 * params + 4 * tokens * (24 * d * L + 3 * V);
  if (bytes > 0.9 * totalBytes) {
    const gb = (b: number): string => `${(b / 2 ** 30).toFixed(1)} GiB`;
    throw new Error(`model and batch need about ${gb(bytes)} (${params.toExponential(2)} parameters at d = ${d}, L = ${L}; ${tokens} tokens per micro-batch), more than this machine's ${gb(totalBytes)}: choose a smaller model (--depth) or batch (--batch, gradAccumSteps)`);
  }
}

/** The record when every named field is a finite number, else null (a value that cannot be trusted). */
function trustedEval(r: Record<string, unknown> | undefined): (EvalMetrics & { step: number }) | null {
  return r && evalRowProblem(r) === null ? r as unknown as EvalMetrics & { step: number } : null;
}

function finiteRecord(r: Record<string, unknown> | undefined, fields: readonly string[]): Record<string, unknown> | null {
  if (!r) return null;
  return fields.every((f) => typeof r[f] === 'number' && Number.isFinite(r[f])) ? r : null;
}
