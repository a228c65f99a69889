// GIDD self-correction (SPEC §2.3, [G] `eval/self_correction.py`): after sampling, repeatedly draw
// z' ~ softmax(logits/τ), score each position by 1[z' ≠ z]·p_τ(z'), and replace the top-scoring positions.
// Stop when nothing changes or when the number of tokens equal to argmax x̂ has not improved for maxPatience
// iterations.
import { argmax, denoiserProbs, sampleCategorical } from './denoiser-probs.js';
import type { SamplingState } from './generate.js';

export interface SelfCorrectionOptions {
  /** Maximum iterations (SPEC §2.3: 128). */
  readonly iterations?: number;
  /** Temperature τ of the proposals (SPEC §2.3: 0.1). */
  readonly temperature?: number;
  /** Positions replaced per iteration and row (SPEC §2.3: 1). */
  readonly tokensPerStep?: number;
  /** Patience on the argmax agreement (SPEC §2.3: 32). */
  readonly maxPatience?: number;
}

export async function runSelfCorrection(s: SamplingState, generated: Uint8Array, attention: Float32Array | null, o: SelfCorrectionOptions): Promise<void> {
  const iterations = o.iterations ?? 128, tau = o.temperature ?? 0.1, perStep = o.tokensPerStep ?? 1, maxPatience = o.maxPatience ?? 32;
  if (!(tau > 0)) throw new Error(`generate: samplerOptions.temperature (difflm/self-correction) must be > 0, got ${tau}`);
  const { B, N, V, z } = s;
  const raw = new Float64Array(V), probs = new Float64Array(V);
  let best = -1, patience = 0;
  for (let it = 0; it < iterations; it++) {
    const logits = await s.denoise(attention);
    let agree = 0, changed = false;
    for (let b = 0; b < B; b++) {
      const cands: { p: number; token: number; score: number }[] = [];
      for (let j = 0; j < N; j++) {
        const p = b * N + j;
        if (!generated[p]) continue;
        if (argmax(denoiserProbs(logits, p * V, V, s.maskId, { temperature: 1 }, raw)) === z[p]) agree++;
        denoiserProbs(logits, p * V, V, s.maskId, { temperature: tau, topK: s.trunc.topK, topP: s.trunc.topP }, probs);
        const token = sampleCategorical(probs, s.rng);
        if (token !== z[p]) cands.push({ p, token, score: probs[token]! });
      }
      cands.sort((a, c) => c.score - a.score || a.p - c.p);
      for (const c of cands.slice(0, perStep)) { z[c.p] = c.token; changed = true; }
    }
    if (!changed) break;
    if (agree > best) { best = agree; patience = 0; } else if (++patience >= maxPatience) break;
  }
}
