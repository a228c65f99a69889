// Sample-quality numbers of generated token sequences (the peers' usual set: Duo, MDLM): the unigram entropy of the
// pooled tokens (a collapse to few tokens shows as a low value) and distinct-n, the share of unique n-grams among all
// n-grams of the samples (repetition shows as a low value). Generative perplexity needs a reference model and is
// computed by the caller.

/** Entropy (nats) of the pooled token frequencies of the samples. */
export function unigramEntropy(samples: readonly ArrayLike<number>[]): number {
  const counts = new Map<number, number>();
  let total = 0;
  for (const s of samples) for (let i = 0; i < s.length; i++) { counts.set(s[i]!, (counts.get(s[i]!) ?? 0) + 1); total++; }
  if (total === 0) return 0;
  let h = 0;
  for (const c of counts.values()) h -= (c / total) * Math.log(c / total);
  return h;
}

/** Unique n-grams over all n-grams, pooled over the samples (n-grams do not cross samples); 0 when there are none. */
export function distinctN(samples: readonly ArrayLike<number>[], n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`distinct-n: n must be a positive integer, got ${n}`);
  const seen = new Set<string>();
  let total = 0;
  for (const s of samples) {
    for (let i = 0; i + n <= s.length; i++) {
      seen.add(Array.prototype.slice.call(s, i, i + n).join(','));
      total++;
    }
  }
  return total === 0 ? 0 : seen.size / total;
}

/**
 * Standard error of the ratio Σnats / Σtokens over samples (delta method: residuals nats_i − R·tokens_i), null under two
 * samples.
 */
export function ratioStandardError(nats: ArrayLike<number>, tokens: readonly number[], ratio: number): number | null {
  const k = tokens.length;
  if (k < 2) return null;
  const meanTokens = tokens.reduce((a, t) => a + t, 0) / k;
  let ss = 0;
  for (let i = 0; i < k; i++) ss += (nats[i]! - ratio * tokens[i]!) ** 2;
  return Math.sqrt(ss / (k * (k - 1))) / meanTokens;
}
