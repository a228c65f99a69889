// A synthetic executor FOR TESTS ONLY: no training; the loss curve follows a Chinchilla-like law
// L(M, D) = E + A·M^−α + B·D^−β (per noise label) with deterministic noise, and each step sleeps
// msPerStep so process, queue and crash handling can be exercised in seconds. It appends
// start/finish events to `logFile` (when given) so tests can count how often each run executed.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { RunConfig } from './run-config.js';
import { CURVE_EMA_GAMMA, type CurvePoint, type RunContext, type RunExecutor, type RunResult } from './run-executor.js';
import { branchKey, branchSeKey, readKey, readSeKey } from './read-keys.js';

export interface FakeExecutorOptions {
  /** Wall milliseconds per reported step (default 20). */
  readonly msPerStep?: number;
  /** Number of curve points per run (default 10). */
  readonly points?: number;
  readonly logFile?: string;
  /** When this file does not exist yet, the first run to reach its middle creates it and kills its own process (crash test). */
  readonly crashOnceFile?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Deterministic pseudo-noise in [−1, 1] from a string. */
function jitter(key: string): number {
  const h = createHash('sha256').update(key).digest();
  return (h.readUInt32LE(0) / 0xffffffff) * 2 - 1;
}

/** The fake law's extra loss per noise label (masked trains best; any other label 0.08 above). */
const PENALTY: Readonly<Record<string, number>> = { masked: 0 };

/** The fake's law: the loss a run of `config` has after `tokens` tokens, before its jitter. */
export function syntheticLoss(config: RunConfig, tokens: number): number {
  const penalty = PENALTY[config.noiseLabel] ?? 0.08; // uniform-ish noise trains a little worse
  const M = config.params;
  return 1.7 + penalty + 400 * Math.pow(M, -0.34) + 600 * Math.pow(Math.max(tokens, 1), -0.28);
}

export function fakeExecutor(opts: FakeExecutorOptions = {}): RunExecutor {
  const msPerStep = opts.msPerStep ?? 20;
  const points = opts.points ?? 10;
  const log = (event: string, runId: string) => {
    if (opts.logFile) appendFileSync(opts.logFile, `${JSON.stringify({ event, runId, pid: process.pid, t: Date.now() })}\n`);
  };
  return {
    name: 'fake',
    async run(config: RunConfig, ctx: RunContext): Promise<RunResult> {
      const t0 = Date.now();
      mkdirSync(ctx.runDir, { recursive: true });
      log('start', ctx.runId);
      const curve: CurvePoint[] = [];
      // The curve is what the trainer executor logs: the EMA of the per-step loss (here the law's).
      let ema = Number.NaN, emaStep = 0;
      for (let i = 1; i <= points; i++) {
        if (ctx.signal?.aborted) throw new Error('run aborted');
        await sleep(msPerStep);
        if (opts.crashOnceFile && i === Math.ceil(points / 2)) {
          try {
            writeFileSync(opts.crashOnceFile, ctx.runId, { flag: 'wx' });
            log('crash', ctx.runId);
            process.kill(process.pid, 'SIGKILL');
          } catch {
            // the file exists: someone crashed already
          }
        }
        const step = Math.round((config.steps * i) / points);
        const tokens = step * config.batchSequences * config.seqLen;
        for (; emaStep < step; emaStep++) {
          const law = syntheticLoss(config, (emaStep + 1) * config.batchSequences * config.seqLen);
          ema = Number.isNaN(ema) ? law : CURVE_EMA_GAMMA * ema + (1 - CURVE_EMA_GAMMA) * law;
        }
        const loss = ema * (1 + 0.002 * jitter(`${ctx.runId}:${step}`));
        curve.push({ step, tokens, loss });
        ctx.onProgress?.({ step, steps: config.steps, loss });
      }
      const finalLoss = curve[curve.length - 1]!.loss;
      log('finish', ctx.runId);
      // The same metrics a trained run reports: a held-out ELBO (here the law plus its own seed-dependent
      // jitter, as replicates differ) with a standard error, and the training EMA.
      const evalElbo = syntheticLoss(config, config.tokens) * (1 + 0.002 * jitter(`${ctx.runId}:eval`));
      const metrics: Record<string, number> = { finalLoss, trainElboEma: finalLoss, evalElbo, evalStandardError: 0.001 * evalElbo };
      // Reads along the run (the curve design): the law at each read's tokens with the run's own persistent jitter
      // and a smaller one per read.
      for (const { step } of config.reads ?? []) {
        const tokens = step * config.batchSequences * config.seqLen;
        const loss = step === config.steps ? evalElbo : syntheticLoss(config, tokens) * (1 + 0.002 * jitter(`${ctx.runId}:eval`) + 0.0005 * jitter(`${ctx.runId}:read:${step}`));
        // A cooldown branch (the branches design) ends a little below the run at its step.
        if (config.branches) {
          metrics[branchKey(step)] = 0.98 * loss;
          metrics[branchSeKey(step)] = 0.001 * loss;
        } else {
          metrics[readKey(step)] = loss;
          metrics[readSeKey(step)] = 0.001 * loss;
        }
      }
      return { finalLoss, metrics, curve, wallSeconds: (Date.now() - t0) / 1000 };
    },
  };
}

/**
 * Test-only: fake-executor options from the environment, for `--executor fake` in CLI tests:
 * DIFFLM_FAKE_MS_PER_STEP, DIFFLM_FAKE_POINTS, DIFFLM_FAKE_EXECUTOR_LOG, DIFFLM_FAKE_CRASH_ONCE.
 */
export function fakeOptionsFromEnv(env: NodeJS.ProcessEnv): FakeExecutorOptions {
  const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
  const o: { -readonly [K in keyof FakeExecutorOptions]: FakeExecutorOptions[K] } = {};
  const ms = num(env.DIFFLM_FAKE_MS_PER_STEP);
  const points = num(env.DIFFLM_FAKE_POINTS);
  if (ms !== undefined) o.msPerStep = ms;
  if (points !== undefined) o.points = points;
  if (env.DIFFLM_FAKE_EXECUTOR_LOG) o.logFile = env.DIFFLM_FAKE_EXECUTOR_LOG;
  if (env.DIFFLM_FAKE_CRASH_ONCE) o.crashOnceFile = env.DIFFLM_FAKE_CRASH_ONCE;
  return o;
}
