// Counter-based randomness for the data pipeline: a value is a pure function of (seed, stream, index), so split
// assignment and window order need no generator state and resume exactly from a counter (@difflm/random).
export { hash32, hashUniform } from '@difflm/random';

/** Streams, so that different uses of one seed are independent. */
export const HASH_STREAM = { split: 1, permutation: 2, offset: 3 } as const;
