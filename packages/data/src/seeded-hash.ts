// Counter-based randomness for the data pipeline: a value is a pure function of (seed, stream, index),
// so split assignment and window order need no generator state and resume exactly from a counter.
// (@difflm/data is a leaf package and cannot use @difflm/noise's Rng; nothing here needs a stream.)

/** Streams, so that different uses of one seed are independent. */
export const HASH_STREAM = { split: 1, permutation: 2, offset: 3 } as const;

function mix32(x: number): number {
  // murmur3 fmix32 finaliser
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A uint32 that depends on every argument (each an integer; indices up to 2^53). */
export function hash32(seed: number, stream: number, index: number): number {
  const lo = index >>> 0, hi = Math.floor(index / 4294967296) >>> 0;
  let h = mix32((seed >>> 0) ^ 0x9e3779b9);
  h = mix32(h ^ Math.imul(stream + 1, 0x27d4eb2f));
  h = mix32(h ^ lo);
  return mix32(h ^ Math.imul(hi + 1, 0x165667b1));
}

/** A float in [0, 1) from hash32. */
export function hashUniform(seed: number, stream: number, index: number): number {
  return hash32(seed, stream, index) / 4294967296;
}
