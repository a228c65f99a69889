// The base distributions that mixing distributions are built from (SPEC §1.3): the mask one-hot m,
// the uniform u over the non-mask tokens (the mask is excluded, as in both authors' codes — and, unlike
// [E] `sample_marginals`, sampling u never returns the mask id, fixtures README §4), and any fixed vector.
import type { TokenSpace } from '../objective.js';
import type { Rng } from '../random.js';
import type { BaseDistribution } from '../noise-type.js';

/** m = onehot(mask). Throws when the vocabulary has no mask token. */
export function maskBase(tokens: TokenSpace, who: string): BaseDistribution {
  const maskId = tokens.maskId;
  if (maskId === null || maskId === undefined) {
    throw new Error(`${who} needs a mask token, but tokens.maskId is null: add a mask token to the vocabulary (set maskId) or use "difflm/uniform"`);
  }
  checkId(maskId, tokens.vocabSize, 'tokens.maskId');
  const probs = new Float64Array(tokens.vocabSize);
  probs[maskId] = 1;
  return { name: 'mask', probs, sample: () => maskId };
}

/** u = uniform over every token except the mask (all V tokens when there is no mask). */
export function uniformBase(tokens: TokenSpace): BaseDistribution {
  const V = tokens.vocabSize;
  const maskId = tokens.maskId;
  const n = maskId === null ? V : V - 1;
  if (n < 1) throw new Error(`uniform noise needs at least one non-mask token, got vocabSize ${V}`);
  const probs = new Float64Array(V).fill(1 / n);
  if (maskId !== null) probs[maskId] = 0;
  return {
    name: 'uniform', probs,
    sample: (rng: Rng) => {
      const k = rng.int(n);
      return maskId !== null && k >= maskId ? k + 1 : k;
    },
  };
}

/** An arbitrary fixed distribution (e.g. a unigram prior). probs are normalised; sampling uses the CDF. */
export function vectorBase(name: string, probs: ArrayLike<number>, vocabSize: number): BaseDistribution {
  if (probs.length !== vocabSize) throw new Error(`base "${name}": probs has length ${probs.length}, expected vocabSize ${vocabSize}`);
  let total = 0;
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i]!;
    if (!(p >= 0) || !Number.isFinite(p)) throw new Error(`base "${name}": probs[${i}] must be a finite number >= 0, got ${p}`);
    total += p;
  }
  if (!(total > 0)) throw new Error(`base "${name}": probs must not be all zero`);
  const normalised = Float64Array.from(probs, (p) => p / total);
  const cdf = new Float64Array(vocabSize);
  let acc = 0;
  for (let i = 0; i < vocabSize; i++) { acc += normalised[i]!; cdf[i] = acc; }
  return {
    name, probs: normalised,
    sample: (rng: Rng) => {
      const u = rng.uniform() * acc;
      let lo = 0, hi = vocabSize - 1;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (cdf[mid]! > u) hi = mid; else lo = mid + 1; }
      return lo;
    },
  };
}

function checkId(id: number, V: number, field: string): void {
  if (!Number.isInteger(id) || id < 0 || id >= V) throw new Error(`${field} must be an integer in [0, vocabSize=${V}), got ${id}`);
}
