// The diffusion training objective: corrupt → model.apply(z_t, attentionMask) → noise loss. All the
// math lives in the @difflm/noise DiffusionObjective; this only orchestrates (STYLE: the trainer does
// not know the process).
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import type { DiffusionObjective, Rng } from '@difflm/noise';
import type { TrainableModel } from './model-port.js';
import { elboGrid, type ElboGridOptions } from './elbo-grid.js';
import { scoreCompletionsDiffusion } from './score-completions.js';
import type { TrainingObjective } from './training-objective.js';

export interface DiffusionTrainingOptions {
  /** The held-out λ grid (default: 16 levels on a linear α grid over λ ∈ [−9, 9]). */
  readonly eval?: Partial<ElboGridOptions>;
}

/** Logit elements (float32) one held-out forward pass may hold, 64 MB: evaluation levels are batched up to it. */
const EVAL_PASS_LOGITS = 1 << 24;

export function diffusionObjective(noise: DiffusionObjective, options: DiffusionTrainingOptions = {}): TrainingObjective {
  const grid = elboGrid({ levels: 16, ...options.eval });
  // The held-out ELBO's forward passes: levels share passes up to EVAL_PASS_LOGITS logits (one pass per batch for the
  // tiny models, where a pass of 16 sequences costs mostly per-kernel overhead). The noise draws keep the level order of
  // one pass per level, and each level's loss is its own slice of the logits. Each pass yields its levels' ELBOs as a
  // tensor; the caller reads them (synchronously or not) and calls done().
  function* evaluationPasses(model: TrainableModel, x: Tensor2D, rng: Rng): Generator<{ levels: number[]; elbos: tf.Tensor1D; done(): void }> {
    const [B, N] = x.shape;
    const K = grid.logSnr.length;
    const perPass = Math.max(1, Math.min(K, Math.floor(EVAL_PASS_LOGITS / (B * N * model.shape.vocabSize))));
    for (let k0 = 0; k0 < K; k0 += perPass) {
      const levels = Array.from({ length: Math.min(perPass, K - k0) }, (_, i) => k0 + i);
      const batches = levels.map((k) => noise.corruptAt(x, grid.logSnr[k]!, rng));
      const elbos = tf.tidy(() => {
        const zt = batches.length === 1 ? batches[0]!.zt : tf.concat(batches.map((b) => b.zt), 0);
        const masks = batches.map((b) => b.attentionMask);
        const mask = masks.every((m) => m === null) ? null
          : batches.length === 1 ? masks[0]! : tf.concat(masks.map((m) => m ?? tf.ones([B, N, N])), 0) as tf.Tensor3D;
        const logits = model.apply(zt, mask); // [levels·B, N, V]
        const parts: tf.Tensor3D[] = batches.length === 1 ? [logits] : tf.split(logits, batches.length, 0);
        return tf.stack(batches.map((b, i) => noise.loss(parts[i]!, b).elbo)) as tf.Tensor1D;
      });
      yield { levels, elbos, done: () => { elbos.dispose(); for (const b of batches) b.dispose(); } };
    }
  }

  return {
    kind: 'diffusion',
    causal: false,
    terms(model, x, rng) {
      const batch = noise.corrupt(x, rng);
      const logits = model.apply(batch.zt, batch.attentionMask); // [B, N, V]
      const l = noise.loss(logits, batch);
      return { loss: l.loss, nats: l.elbo, tokens: l.numNoisy };
    },
    evaluate(model, x, rng) {
      let nats = 0;
      for (const pass of evaluationPasses(model, x, rng)) {
        const elbos = pass.elbos.dataSync();
        pass.done();
        pass.levels.forEach((k, i) => { nats += grid.weights[k]! * elbos[i]!; });
      }
      return { natsPerToken: nats, tokens: x.shape[0] * x.shape[1] };
    },
    async evaluateAsync(model, x, rng) {
      let nats = 0;
      for (const pass of evaluationPasses(model, x, rng)) {
        const elbos = await pass.elbos.data();
        pass.done();
        pass.levels.forEach((k, i) => { nats += grid.weights[k]! * elbos[i]!; });
      }
      return { natsPerToken: nats, tokens: x.shape[0] * x.shape[1] };
    },
    scoreCompletions(model, items, o) {
      // The scoring grid has its own size (SPEC §2.3: 128 levels) on the same λ range and density as evaluation's.
      return scoreCompletionsDiffusion(model, noise, items, { ...o, grid: elboGrid({ ...options.eval, levels: o.levels ?? 128 }) });
    },
  };
}
