// x̂ from one position's logits with the sampling controls of SPEC §2.1: the mask logit is forced to −1e6,
// then temperature (0 = argmax), top-k and top-p (nucleus) truncation, renormalised. Float64, host side.
import type { Rng } from '../random.js';

export interface TruncationOptions {
  readonly temperature: number;
  readonly topK?: number | undefined;
  readonly topP?: number | undefined;
}

export function denoiserProbs(logits: Float32Array | Float64Array, offset: number, V: number, maskId: number | null, t: TruncationOptions, out: Float64Array): Float64Array {
  let max = -Infinity, arg = 0;
  for (let v = 0; v < V; v++) {
    const l = v === maskId ? -1e6 : logits[offset + v]!; // SPEC §2.1: mask logit −1e6
    if (Number.isNaN(l)) throw new Error(`sampler: the denoiser returned NaN logits (position offset ${offset / V}, token ${v})`);
    out[v] = l;
    if (l > max) { max = l; arg = v; }
  }
  if (t.temperature === 0) { out.fill(0); out[arg] = 1; return out; }
  let sum = 0;
  for (let v = 0; v < V; v++) { const e = Math.exp((out[v]! - max) / t.temperature); out[v] = e; sum += e; }
  for (let v = 0; v < V; v++) out[v]! /= sum;
  const topK = t.topK !== undefined && t.topK > 0 && t.topK < V ? t.topK : V;
  const topP = t.topP !== undefined && t.topP < 1 ? t.topP : 1;
  if (topK === V && topP === 1) return out;
  const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => out[b]! - out[a]!);
  let acc = 0, keep = 0;
  while (keep < topK && (keep === 0 || acc < topP)) { acc += out[order[keep]!]!; keep++; }
  for (let i = keep; i < V; i++) out[order[i]!] = 0;
  for (let i = 0; i < keep; i++) out[order[i]!]! /= acc;
  return out;
}

/** Draw an index from a probability vector. */
export function sampleCategorical(probs: Float64Array, rng: Rng): number {
  let u = rng.uniform(), last = 0;
  for (let v = 0; v < probs.length; v++) {
    const p = probs[v]!;
    if (p > 0) { last = v; if (u < p) return v; u -= p; }
  }
  return last;
}

export function argmax(probs: Float64Array): number {
  let best = 0;
  for (let v = 1; v < probs.length; v++) if (probs[v]! > probs[best]!) best = v;
  return best;
}
