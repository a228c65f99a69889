// The bootstrap's seeded source: @difflm/random's xoshiro128** stream (one generator for every package) read as
// 32-bit uniforms; the sequence is deterministic per seed.
import { xoshiro128 } from '@difflm/random';

/** A seeded source of uniform numbers. */
export interface FitRng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** A standard normal draw (Box–Muller, two uniforms). */
  normal(): number;
}

/** Create a deterministic generator from an integer seed: @difflm/random's xoshiro128** with 32-bit uniforms. */
export function createFitRng(seed: number): FitRng {
  const x = xoshiro128(seed);
  const next = (): number => x.nextU32() / 4294967296;
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
