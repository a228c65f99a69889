// Ancestral sampling of one block (SPEC §2.1): for each grid step λ_i → λ_{i+1}, draw z_s ~ p(z_s | z_t) for
// every position of the block. The logits are re-used when no token changed in the last step (the model has
// no time input, SPEC §3). Mask tokens left after the last step are set to argmax x̂.
import { ancestralPosterior, posteriorStep } from './ancestral-posterior.js';
import { argmax, denoiserProbs, sampleCategorical } from './denoiser-probs.js';
import type { SamplingState } from './generate.js';

export async function runAncestralBlock(s: SamplingState, inBlock: Uint8Array, attention: Float32Array | null, grid: Float64Array): Promise<void> {
  const { V, z } = s;
  const xhat = new Float64Array(V), post = new Float64Array(V);
  let logits: Float32Array | null = null;
  let changed = true;
  for (let i = 0; i + 1 < grid.length; i++) {
    if (changed || !logits) logits = await s.denoise(attention);
    changed = false;
    const step = posteriorStep(s.process, grid[i]!, grid[i + 1]!, s.range);
    for (let p = 0; p < z.length; p++) {
      if (!inBlock[p]) continue;
      denoiserProbs(logits, p * V, V, s.maskId, s.trunc, xhat);
      const next = sampleCategorical(ancestralPosterior(step, xhat, z[p]!, post), s.rng);
      if (next !== z[p]) { z[p] = next; changed = true; }
    }
  }
  if (s.maskId === null) return;
  let left = false;
  for (let p = 0; p < z.length; p++) if (inBlock[p] && z[p] === s.maskId) left = true;
  if (!left) return;
  if (changed || !logits) logits = await s.denoise(attention);
  for (let p = 0; p < z.length; p++) {
    if (inBlock[p] && z[p] === s.maskId) z[p] = argmax(denoiserProbs(logits, p * V, V, s.maskId, { temperature: 0 }, xhat));
  }
}
