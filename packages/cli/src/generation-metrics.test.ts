import { describe, expect, it } from 'vitest';
import { distinctN, ratioStandardError, unigramEntropy } from './generation-metrics.js';

describe('generation metrics', () => {
  it('unigram entropy: 0 for one repeated token, ln k for k tokens equally often', () => {
    expect(unigramEntropy([[5, 5, 5], [5]])).toBe(0);
    expect(unigramEntropy([[1, 2, 3, 4]])).toBeCloseTo(Math.log(4), 12);
    expect(unigramEntropy([[1, 1, 2, 2], [3, 3, 4, 4]])).toBeCloseTo(Math.log(4), 12);
  });

  it('distinct-n: repetition lowers it, n-grams do not cross samples', () => {
    expect(distinctN([[1, 2, 3, 4]], 1)).toBe(1);
    expect(distinctN([[1, 1, 1, 1]], 1)).toBe(0.25);
    expect(distinctN([[1, 2, 1, 2]], 2)).toBeCloseTo(2 / 3, 12); // (1,2) (2,1) (1,2)
    expect(distinctN([[1, 2], [3, 4]], 2)).toBe(1); // (1,2) and (3,4); (2,3) spans two samples and is not counted
    expect(distinctN([[1]], 2)).toBe(0);
    expect(() => distinctN([[1]], 0)).toThrow(/positive integer/);
  });

  it('the standard error of nats per token over samples: the plain standard error of the mean for equal lengths, and it covers at its rate', () => {
    // Equal lengths: the SE of the per-sample means.
    const per = [2.1, 1.9, 2.4, 2.0, 1.6];
    const mean = per.reduce((a, b) => a + b, 0) / 5;
    const sd = Math.sqrt(per.reduce((a, v) => a + (v - mean) ** 2, 0) / 4);
    expect(ratioStandardError(per.map((v) => v * 10), [10, 10, 10, 10, 10], mean)).toBeCloseTo(sd / Math.sqrt(5), 12);
    expect(ratioStandardError([3], [2], 1.5)).toBeNull();
    // Coverage on synthetic samples of random lengths and noisy per-token nats around a known rate.
    let seed = 1;
    const u = (): number => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; };
    let covered = 0;
    const trials = 400;
    for (let t = 0; t < trials; t++) {
      const lengths = Array.from({ length: 30 }, () => 20 + Math.floor(u() * 40));
      const nats = lengths.map((n) => n * (2 + (u() - 0.5) * 1.2));
      const r = nats.reduce((a, b) => a + b, 0) / lengths.reduce((a, b) => a + b, 0);
      const se = ratioStandardError(nats, lengths, r)!;
      if (Math.abs(r - 2) <= 1.96 * se) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.9);
    expect(covered / trials).toBeLessThan(0.99);
  });
});
