// Held-out evaluation (SPEC §1.4, §4): the true ELBO in nats per token, its perplexity bound exp(ELBO)
// and bits per byte ELBO/(ln 2 · bytesPerToken). The autoregressive objective reports cross-entropy
// in the same units. The noise draws come from a fresh Rng seeded by `seed`, so two evaluations of
// the same model on the same data agree exactly.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import { createRng, withHostValues, type Rng } from '@difflm/noise';
import type { TrainableModel } from './model-port.js';
import type { TokenBatchSource } from './token-batch-source.js';
import type { HeldOutEstimate, TrainingObjective } from './training-objective.js';

export interface EvaluateOptions {
  readonly model: TrainableModel;
  readonly objective: TrainingObjective;
  /** Held-out batches; read from its current position (set it first for a fixed evaluation set). */
  readonly source: TokenBatchSource;
  readonly batches: number;
  readonly seed: number;
  /** Average bytes of text per token (1 for the byte tokenizer). */
  readonly bytesPerToken: number;
}

export interface EvalMetrics {
  /** ELBO (diffusion) or cross-entropy (AR) in nats per token. */
  readonly elbo: number;
  /** exp(elbo): an upper bound on perplexity. */
  readonly pplBound: number;
  readonly bitsPerByte: number;
  readonly tokens: number;
  /**
   * Standard error of `elbo` (nats per token) from the spread of the per-batch estimates: the batches are
   * independent draws of sequences and noise, so SE = sd(batch estimates)/√batches (token-weighted).
   * With common random numbers (the same batches, λ grid and noise draws for every
   * model, which a fixed eval seed and batch size give) differences between models carry much less noise.
   * null with a single batch (JSON-safe, so a resumed run reports the same value).
   */
  readonly standardError: number | null;
  /** Held-out batches the estimate averages. */
  readonly batches: number;
}

function checkOptions(o: EvaluateOptions): void {
  if (!(o.batches >= 1)) throw new Error(`eval.batches must be >= 1, got ${o.batches}`);
  if (!(o.bytesPerToken > 0)) throw new Error(`bytesPerToken must be > 0, got ${o.bytesPerToken}`);
}

/**
 * The evaluation one batch at a time: yields each held-out batch (with the draws' generator) and takes back the
 * objective's estimate for it, so one loop serves the synchronous and the asynchronous caller, and the latter can
 * yield (and notice a stop) between batches.
 */
function* evaluationSteps(o: EvaluateOptions): Generator<{ x: Tensor2D; rng: Rng }, EvalMetrics, HeldOutEstimate> {
  const rng = createRng(o.seed);
  let weighted = 0, tokens = 0;
  const perBatch: { nats: number; tokens: number }[] = [];
  for (let b = 0; b < o.batches; b++) {
    const ids = Int32Array.from(o.source.next());
    const x = withHostValues(tf.tensor2d(ids, [o.source.batchSize, o.source.seqLen], 'int32'), ids); // [B, N]
    let est: HeldOutEstimate;
    try {
      est = yield { x, rng };
    } finally {
      x.dispose();
    }
    weighted += est.natsPerToken * est.tokens;
    tokens += est.tokens;
    perBatch.push({ nats: est.natsPerToken, tokens: est.tokens });
  }
  const elbo = weighted / tokens;
  return { elbo, pplBound: Math.exp(elbo), bitsPerByte: elbo / (Math.LN2 * o.bytesPerToken), tokens, standardError: weightedStandardError(perBatch, elbo), batches: o.batches };
}

export function evaluateHeldOut(o: EvaluateOptions): EvalMetrics {
  checkOptions(o);
  const steps = evaluationSteps(o);
  for (let r = steps.next(); ; ) {
    if (r.done) return r.value;
    r = steps.next(o.objective.evaluate(o.model, r.value.x, r.value.rng));
  }
}

/**
 * The same evaluation, reading through the objective's evaluateAsync where it has one (every backend, WebGPU
 * included) and yielding to the event loop between batches so that signal handlers run: returns null as soon as
 * `signal` is aborted (a long evaluation stops on SIGINT/SIGTERM instead of ignoring them).
 */
export async function evaluateHeldOutAsync(o: EvaluateOptions & { readonly signal?: AbortSignal }): Promise<EvalMetrics | null> {
  checkOptions(o);
  const steps = evaluationSteps(o);
  for (let r = steps.next(), first = true; ; first = false) {
    if (r.done) return r.value;
    if (!first) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (o.signal?.aborted) { steps.return(undefined as never); return null; }
    }
    const { x, rng } = r.value;
    r = steps.next(await (o.objective.evaluateAsync?.(o.model, x, rng) ?? o.objective.evaluate(o.model, x, rng)));
  }
}

/** SE of a token-weighted mean of per-batch means (ratio-estimator form; equal weights give sd/√n). */
function weightedStandardError(parts: readonly { nats: number; tokens: number }[], mean: number): number | null {
  const n = parts.length;
  if (n < 2) return null;
  const wMean = parts.reduce((s, p) => s + p.tokens, 0) / n;
  const ss = parts.reduce((s, p) => s + ((p.tokens / wMean) * (p.nats - mean)) ** 2, 0);
  return Math.sqrt(ss / (n - 1) / n);
}
