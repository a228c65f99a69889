// One seeded generator for every package (ADR 0002): xoshiro128** (Blackman & Vigna) seeded through splitmix32, with
// a state of four uint32s that round-trips through JSON, so corruption, data order, sampling and bootstrap resamples
// are deterministic across backends and resume exactly from a checkpoint.

/** The splitmix32 finaliser (murmur3's fmix32): a 32-bit mix of a uint32. */
export function fmix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A splitmix32 stream of uint32s from a seed (adds the golden gamma, then fmix32). */
export function splitmix32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    return fmix32(a);
  };
}

/** The state of a xoshiro128** generator (JSON-serialisable). */
export interface RngState {
  readonly kind: 'xoshiro128**';
  readonly s: readonly [number, number, number, number];
}

/** A raw xoshiro128** stream: uint32 draws and a snapshot of the state. */
export interface Xoshiro128 {
  nextU32(): number;
  state(): RngState;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** A xoshiro128** stream from an integer seed (four splitmix32 draws of ⌊seed⌋) or a saved state. */
export function xoshiro128(seed: number | RngState): Xoshiro128 {
  let s0: number, s1: number, s2: number, s3: number;
  if (typeof seed === 'number') {
    if (!Number.isFinite(seed)) throw new Error(`rng seed must be a finite number, got ${seed}`);
    const sm = splitmix32(Math.floor(seed));
    s0 = sm(); s1 = sm(); s2 = sm(); s3 = sm();
  } else {
    if (seed?.kind !== 'xoshiro128**' || !Array.isArray(seed.s) || seed.s.length !== 4 || !seed.s.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff)) {
      throw new Error('rng state: expected {kind: "xoshiro128**", s: [4 uint32]}');
    }
    // No generator reaches the all-zero state (a fixed point), so a saved one is forged or damaged.
    if ((seed.s[0] | seed.s[1] | seed.s[2] | seed.s[3]) === 0) throw new Error('rng state: all four words are zero, a state no xoshiro128** generator reaches');
    [s0, s1, s2, s3] = seed.s.map((v) => v >>> 0) as [number, number, number, number];
  }
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the all-zero state is a fixed point
  return {
    nextU32() {
      const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
      const t = (s1 << 9) >>> 0;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11);
      s0 >>>= 0; s1 >>>= 0; s2 >>>= 0; s3 >>>= 0;
      return result;
    },
    state: () => ({ kind: 'xoshiro128**', s: [s0, s1, s2, s3] }),
  };
}
