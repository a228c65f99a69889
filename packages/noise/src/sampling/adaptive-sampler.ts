// The paper's adaptive "generalised confidence" sampler (SPEC §2.2, [E] `adaptive_sampling_step`):
//   conf(z_t) = π_{λ_min}(z_t) · (max_v x̂_v − x̂_{z_t}),
// and each step fully denoises the k most confident positions of the block (argmax at temperature 0, else a
// draw from the truncated x̂). For masked diffusion this is δ_{z_t,m}·max x̂; uniform diffusion can revisit
// positions, so it can use more steps than tokens. A position is denoised once per block: the loop ends
// when no undenoised position is left whose token the denoiser would change (not when a step happened to
// redraw the tokens it had, which at temperature > 0 would stop early and leave prior noise behind).
import { piVector } from '../token-math.js';
import { argmax, denoiserProbs, sampleCategorical } from './denoiser-probs.js';
import type { SamplingState } from './generate.js';

export async function runAdaptiveBlock(s: SamplingState, inBlock: Uint8Array, attention: Float32Array | null, steps: number): Promise<void> {
  const { B, N, V, z } = s;
  const prior = piVector(s.process, s.range[0]);
  let perRow = 0;
  for (let b = 0; b < B; b++) { let c = 0; for (let j = 0; j < N; j++) c += inBlock[b * N + j]!; perRow = Math.max(perRow, c); }
  const k = Math.max(1, Math.ceil(perRow / steps));
  const raw = new Float64Array(V), probs = new Float64Array(V);
  const done = new Uint8Array(B * N);
  for (let step = 0; step < steps; step++) {
    const logits = await s.denoise(attention);
    let picked = false;
    for (let b = 0; b < B; b++) {
      const cands: { p: number; conf: number }[] = [];
      for (let j = 0; j < N; j++) {
        const p = b * N + j;
        if (!inBlock[p] || done[p] || prior[z[p]!] === 0) continue;
        denoiserProbs(logits, p * V, V, s.maskId, { temperature: 1 }, raw);
        const conf = prior[z[p]!]! * (raw[argmax(raw)]! - raw[z[p]!]!);
        if (conf > 0) cands.push({ p, conf });
      }
      cands.sort((a, c) => c.conf - a.conf || a.p - c.p);
      for (const { p } of cands.slice(0, k)) {
        denoiserProbs(logits, p * V, V, s.maskId, s.trunc, probs);
        z[p] = s.trunc.temperature === 0 ? argmax(probs) : sampleCategorical(probs, s.rng);
        done[p] = 1;
        picked = true;
      }
    }
    if (!picked) break;
  }
}
