// The sampling prior z ~ π_{λ_min} per position (SPEC §2.1, HF `_sample_prior`): uniform with probability
// σ(aλ_min + b), otherwise mask, for the hybrid family — and the same rule for any mixture of bases.
import type { NoiseProcess } from '../noise-type.js';
import type { Rng } from '../random.js';

export function samplePrior(process: NoiseProcess, logSnr: number, count: number, rng: Rng, out: Int32Array = new Int32Array(count)): Int32Array {
  const coeff = new Float64Array(process.bases.length);
  process.coefficients(logSnr, coeff);
  for (let i = 0; i < count; i++) {
    let u = rng.uniform(), k = 0;
    while (k < coeff.length - 1 && u >= coeff[k]!) { u -= coeff[k]!; k++; }
    out[i] = process.bases[k]!.sample(rng);
  }
  return out;
}
