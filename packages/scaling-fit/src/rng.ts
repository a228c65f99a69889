// A small seeded PRNG (xoshiro128**, seeded through splitmix32) for bootstrap resampling. It lives here
// because @difflm/scaling-fit depends on no other difflm package; the sequence is deterministic per seed.

/** A seeded source of uniform numbers. */
export interface FitRng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** A standard normal draw (Box–Muller, two uniforms). */
  normal(): number;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Create a deterministic xoshiro128** generator from an integer seed. */
export function createFitRng(seed: number): FitRng {
  if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number, got ${seed}`);
  const init = splitmix32(Math.floor(seed));
  const s = new Uint32Array([init(), init(), init(), init()]);
  if (s[0]! === 0 && s[1]! === 0 && s[2]! === 0 && s[3]! === 0) s[0] = 1;
  const nextU32 = (): number => {
    const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  };
  const next = (): number => nextU32() / 4294967296;
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    normal: () => {
      let u = next();
      while (u <= 0) u = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
  };
}
