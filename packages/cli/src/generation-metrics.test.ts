import { describe, expect, it } from 'vitest';
import { distinctN, unigramEntropy } from './generation-metrics.js';

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
});
