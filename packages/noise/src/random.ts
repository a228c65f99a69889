// A small, fast, serialisable PRNG (xoshiro128**) so that corruption, data order and sampling are
// deterministic across backends and resumable from a checkpoint (the state is four uint32s).
export interface RngState {
  readonly kind: 'xoshiro128**';
  readonly s: readonly [number, number, number, number];
}

export interface Rng {
  /** A float in [0, 1). */
  uniform(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** Fill an array with floats in [0, 1). */
  fill(out: Float32Array | Float64Array): void;
  /** A standard normal draw. */
  normal(): number;
  /** A snapshot of the state (JSON-serialisable). */
  getState(): RngState;
  /** An independent stream derived from this one (for per-worker or per-purpose streams). */
  fork(): Rng;
}

function splitmix32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Create a generator from an integer seed or a saved state. */
export function createRng(seed: number | RngState): Rng {
  let s0: number, s1: number, s2: number, s3: number;
  if (typeof seed === 'number') {
    if (!Number.isFinite(seed)) throw new Error(`rng seed must be a finite number, got ${seed}`);
    const sm = splitmix32(Math.floor(seed));
    s0 = sm(); s1 = sm(); s2 = sm(); s3 = sm();
  } else {
    if (seed.kind !== 'xoshiro128**' || seed.s.length !== 4) throw new Error('rng state: expected {kind: "xoshiro128**", s: [4 uint32]}');
    [s0, s1, s2, s3] = seed.s.map((v) => v >>> 0) as [number, number, number, number];
  }
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the all-zero state is a fixed point
  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11);
    s0 >>>= 0; s1 >>>= 0; s2 >>>= 0; s3 >>>= 0;
    return result;
  };
  const rng: Rng = {
    uniform: () => {
      // 53-bit float in [0, 1)
      const hi = nextU32() >>> 5, lo = nextU32() >>> 6;
      return (hi * 67108864 + lo) / 9007199254740992;
    },
    int: (n) => {
      if (!(n >= 1)) throw new Error(`rng.int: n must be >= 1, got ${n}`);
      return Math.floor(rng.uniform() * n);
    },
    fill: (out) => { for (let i = 0; i < out.length; i++) out[i] = rng.uniform(); },
    normal: () => {
      // Box–Muller without a cached spare, so getState() captures everything.
      let u = 0; while (u === 0) u = rng.uniform();
      const v = rng.uniform();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    getState: () => ({ kind: 'xoshiro128**', s: [s0, s1, s2, s3] }),
    fork: () => createRng(nextU32() ^ Math.imul(nextU32(), 0x9e3779b1)),
  };
  return rng;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
