// `difflm study --dry-run --backend webgpu|tensorflow-gpu`: a GPU's speed cannot be stored (GPUs differ a hundredfold),
// so the dry run measures it. A few optimizer steps of the plan's largest run — its model, batch, sequence length,
// objective and optimizer, through the trainer's own step (random tokens stand in for the corpus) — on the backend that
// is active, timed to the step's asynchronous loss read (which waits for the device), give tokens/s; the same
// FLOP accounting as the stored rates (trainingFlopsPerToken) turns them into an effective FLOP/s for every run.
import { runComponentsWith } from '@difflm/compose';
import { createTrainer, diffusionObjective, type TokenBatchSource } from '@difflm/trainer';
import { optimizerOptionsOf, parseTrainRunConfig } from '@difflm/trainer/node';
import type { RunConfig } from './run-config.js';
import type { StudyPlan } from './study-plan.js';
import { trainingFlopsPerToken, vocabSizeOf, type BackendThroughput } from './throughput.js';
import { trainRunConfigOf } from './trainer-executor.js';

export interface MeasuredThroughput extends BackendThroughput {
  readonly tokensPerSec: number;
  /** Seconds of each timed step. */
  readonly stepSeconds: readonly number[];
  /** The run whose model was measured. */
  readonly model: string;
}

export interface MeasureThroughputOptions {
  /** Backend name for the estimate's row (the active TensorFlow.js backend does the work). */
  readonly backend: string;
  /** What it ran on, for the label (a GPU adapter's line, or the backend's description). */
  readonly device: string;
  /** Loaded plug-in modules (noise types, optimizers, … the plan may use). */
  readonly plugins?: readonly unknown[];
  /** Untimed steps first (kernel compilation, allocation); default 2. */
  readonly warmup?: number;
  /** Timed steps; default 3 (their median is used). */
  readonly steps?: number;
  /**
   * The most logits (sequences × N × V) one measured step may hold; default 2^26 (256 MB). A larger run is measured
   * on fewer sequences (at least one) per step, which on a GPU under-uses it: the estimate errs long, and says so.
   */
  readonly maxLogits?: number;
}

/** The run with the most work per optimizer step (training FLOPs per token × tokens per step). */
export function largestRun(plan: StudyPlan): RunConfig {
  const work = (c: RunConfig) => trainingFlopsPerToken(c) * c.batchSequences * c.seqLen;
  const first = plan.runs[0];
  if (!first) throw new Error('the study plan has no runs');
  return plan.runs.reduce((a, r) => (work(r.config) > work(a) ? r.config : a), first.config);
}

const tokensPerSecText = (t: number) => (t >= 1e4 ? `${(t / 1e3).toFixed(0)}k` : t >= 1e3 ? `${(t / 1e3).toFixed(1)}k` : t.toFixed(t >= 10 ? 0 : 1));

/** Train a few timed steps of `config` on the active backend; throws (one line) if it cannot. */
export async function measureThroughput(config: RunConfig, o: MeasureThroughputOptions): Promise<MeasuredThroughput> {
  const warmup = o.warmup ?? 2;
  const steps = o.steps ?? 3;
  const vocabSize = vocabSizeOf(config.data.tokenizer);
  // The byte tokenizer's specials sit above its 256 bytes; a BPE's are near the top (ids do not change the speed).
  const tokens = config.data.tokenizer === 'byte' ? { vocabSize, maskId: 259, padId: 258 } : { vocabSize, maskId: vocabSize - 1, padId: vocabSize - 2 };
  const regular = config.data.tokenizer === 'byte' ? 256 : vocabSize - 4;
  const cfg = parseTrainRunConfig(trainRunConfigOf(config, '(random tokens)', vocabSize));
  if (cfg.objective.kind !== 'diffusion') throw new Error(`cannot measure a ${cfg.objective.kind} run`);
  const components = runComponentsWith(o.plugins ?? []);
  const model = components.createModel(cfg.model, { seed: cfg.seed });
  let state = cfg.seed >>> 0 || 1;
  const batchSize = Math.min(cfg.batchSize, Math.max(1, Math.floor((o.maxLogits ?? 2 ** 26) / (cfg.seqLen * vocabSize))));
  const data: TokenBatchSource = {
    batchSize, seqLen: cfg.seqLen,
    next() {
      const ids = new Int32Array(batchSize * cfg.seqLen);
      for (let i = 0; i < ids.length; i++) {
        state ^= state << 13; state ^= state >>> 17; state ^= state << 5; // xorshift32
        ids[i] = (state >>> 0) % regular;
      }
      return ids;
    },
    getPosition: () => null,
    setPosition() {},
  };
  try {
    const noise = components.createNoiseObjective(cfg.objective.noise, tokens, cfg.objective.objectiveOptions);
    const objective = diffusionObjective(noise, { eval: { levels: cfg.eval.levels } });
    const trainer = createTrainer({
      model, objective, data,
      optimizer: optimizerOptionsOf(cfg.optimizer),
      ...(components.optimizers ? { optimizers: components.optimizers } : {}),
      schedule: cfg.schedule,
      budget: { steps: warmup + steps },
      gradAccumSteps: batchSize < cfg.batchSize ? 1 : cfg.gradAccumSteps,
      clipGradNorm: cfg.clipGradNorm,
      seed: cfg.seed + 1,
    });
    const stepSeconds: number[] = [];
    try {
      for (let s = 0; s < warmup + steps; s++) {
        const t0 = performance.now();
        await trainer.trainStep(); // ends with an asynchronous read of the loss: the device's work is done
        if (s >= warmup) stepSeconds.push((performance.now() - t0) / 1000);
      }
    } finally {
      trainer.dispose();
    }
    const median = [...stepSeconds].sort((a, b) => a - b)[Math.floor(stepSeconds.length / 2)]!;
    const tokensPerSec = trainer.tokensPerStep / median;
    return {
      backend: o.backend, flopsPerSec: tokensPerSec * trainingFlopsPerToken(config), tokensPerSec, stepSeconds, model: config.model.name,
      source: `measured: ${tokensPerSecText(tokensPerSec)} tokens/s on ${o.device} (${config.model.name}, ${batchSize} × ${cfg.seqLen}${batchSize < cfg.batchSize ? ` of its ${cfg.batchSize} sequences per step, to bound the measurement's memory: fewer than a run uses, so the estimate errs long` : ''}; median of ${steps} steps after ${warmup} warm-up)`,
    };
  } finally {
    model.dispose();
  }
}
