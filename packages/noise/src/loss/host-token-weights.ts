// Host side of the loss: per-token quantities that do not depend on the logits (weights, α/β, mixing
// coefficients, q_λ(x)(z)) are computed in float64 with token-math.ts and uploaded as float32.
import type { NoiseProcess } from '../noise-type.js';
import { clamp, sigmoid } from '../scalar-math.js';
import { mixAt, mixingAt, tokenWeights, type WeightSettings } from '../token-math.js';

export interface HostTokenWeights {
  /** σ(λ) and σ(−λ) with λ clipped to the schedule range (fixtures README D1), [B·N]. */
  readonly alpha: Float32Array;
  readonly beta: Float32Array;
  /** σ(−λ)·c_k(λ), row-major [B·N, K]: one matMul with the bases gives σ(−λ)·π_λ. */
  readonly betaCoefficients: Float32Array;
  /** q_λ(x)(z_t) per token, [B·N]. */
  readonly qAtZ: Float32Array;
  /** Surrogate and ELBO weights, [B·N]. */
  readonly lossWeight: Float32Array;
  readonly elboWeight: Float32Array;
}

/** What one λ value's tokens share: c_k(λ), σ(±λ) and each (x, z) pair's weights. */
interface LevelEntry {
  readonly c: Float64Array;
  readonly a: number;
  readonly b: number;
  readonly w: Map<number, { loss: number; elbo: number }>;
}

export function hostTokenWeights(process: NoiseProcess, settings: WeightSettings, x: ArrayLike<number>, z: ArrayLike<number>, logSnr: ArrayLike<number>, maskId: number | null): HostTokenWeights {
  const n = x.length, K = process.bases.length;
  const [lo, hi] = [settings.schedule.minLogSnr, settings.schedule.maxLogSnr];
  const out = {
    alpha: new Float32Array(n), beta: new Float32Array(n), betaCoefficients: new Float32Array(n * K),
    qAtZ: new Float32Array(n), lossWeight: new Float32Array(n), elboWeight: new Float32Array(n),
  };
  // λ is shared across a sequence most of the time: c_k(λ), σ(±λ) and each (x, z) pair's weights once per value.
  const cache = new Map<number, LevelEntry>();
  let entry: LevelEntry | undefined, entryAt = NaN;
  for (let i = 0; i < n; i++) {
    const l = logSnr[i]!, xi = x[i]!, zi = z[i]!;
    if (!Number.isFinite(l)) throw new Error(`loss: logSnr[${i}] is ${l}; λ must be finite (corrupt() writes it)`);
    if (l !== entryAt || !entry) { // consecutive tokens mostly share λ: look it up only when it changes
      entry = cache.get(l);
      if (!entry) {
        const lc = clamp(l, lo, hi);
        entry = { c: mixingAt(process, l).c, a: sigmoid(lc), b: sigmoid(-lc), w: new Map() };
        cache.set(l, entry);
      }
      entryAt = l;
    }
    const { a, b } = entry;
    out.alpha[i] = a; out.beta[i] = b;
    for (let k = 0; k < K; k++) out.betaCoefficients[i * K + k] = b * entry.c[k]!;
    out.qAtZ[i] = (zi === xi ? a : 0) + b * mixAt(process, entry.c, zi);
    const key = xi * 67108864 + zi; // exact while token ids are below 2^26 (vocabularies are far smaller)
    let w = entry.w.get(key);
    if (!w) { w = tokenWeights(process, settings, l, xi, zi, maskId); entry.w.set(key, w); }
    out.lossWeight[i] = w.loss; out.elboWeight[i] = w.elbo;
  }
  return out;
}
