// Prompt conditioning (SPEC §1.5, [E] `_sample_noise_mask`): a fraction of sequences keeps a clean prefix
// whose length follows the arccos law prompt_frac = arccos(1 − 2r)/π, r ~ U(0, 1); positions
// i ≤ prompt_frac·(N − 1) are clean. The attention rule is allow(q, k) = noisy(q) ≥ noisy(k).
import type { Rng } from '../random.js';

/** Length of the clean prefix for one sequence of length N (0 when it gets no prompt). */
export function samplePromptLength(N: number, promptFraction: number, rng: Rng): number {
  if (!(rng.uniform() < promptFraction)) return 0;
  const frac = Math.acos(1 - 2 * rng.uniform()) / Math.PI;
  return Math.min(N, Math.floor(frac * (N - 1)) + 1);
}

/**
 * Attention mask [B, N, N] (row-major) from per-position noise levels: allow(q, k) = level(q) ≥ level(k).
 * With levels noisy ∈ {0, 1} this is the paper's rule (prompt queries cannot see completion keys); the
 * samplers use a third level for blocks not yet generated.
 */
export function attentionFromLevels(levels: ArrayLike<number>, B: number, N: number): Float32Array {
  const out = new Float32Array(B * N * N);
  for (let b = 0; b < B; b++) {
    for (let q = 0; q < N; q++) {
      const lq = levels[b * N + q]!;
      const base = (b * N + q) * N;
      for (let k = 0; k < N; k++) out[base + k] = lq >= levels[b * N + k]! ? 1 : 0;
    }
  }
  return out;
}
