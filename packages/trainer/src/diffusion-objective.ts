// The diffusion training objective: corrupt → model.apply(z_t, attentionMask) → noise loss. All the
// math lives in the @difflm/noise DiffusionObjective; this only orchestrates (STYLE: the trainer does
// not know the process).
import * as tf from '@tensorflow/tfjs-core';
import type { DiffusionObjective } from '@difflm/noise';
import { elboGrid, type ElboGridOptions } from './elbo-grid.js';
import type { TrainingObjective } from './training-objective.js';

export interface DiffusionTrainingOptions {
  /** The held-out λ grid (default: 16 levels on a linear α grid over λ ∈ [−9, 9]). */
  readonly eval?: Partial<ElboGridOptions>;
}

export function diffusionObjective(noise: DiffusionObjective, options: DiffusionTrainingOptions = {}): TrainingObjective {
  const grid = elboGrid({ levels: 16, ...options.eval });
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
      for (let k = 0; k < grid.logSnr.length; k++) {
        const batch = noise.corruptAt(x, grid.logSnr[k]!, rng);
        const e = tf.tidy(() => {
          const logits = model.apply(batch.zt, batch.attentionMask); // [B, N, V]
          const l = noise.loss(logits, batch);
          return l.elbo.dataSync()[0]!;
        });
        batch.dispose();
        nats += grid.weights[k]! * e;
      }
      return { natsPerToken: nats, tokens: x.shape[0] * x.shape[1] };
    },
  };
}
