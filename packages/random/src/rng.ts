// The Rng every package draws from: 53-bit uniforms, integers, normals (Box–Muller without a cached spare, so the
// state captures everything), a JSON state and independent forks.
import { xoshiro128, type RngState } from './xoshiro.js';

export interface Rng {
  /** A float in [0, 1) with 53 random bits. */
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

/** Create a generator from an integer seed or a saved state. */
export function createRng(seed: number | RngState): Rng {
  const x = xoshiro128(seed);
  const rng: Rng = {
    uniform: () => {
      const hi = x.nextU32() >>> 5, lo = x.nextU32() >>> 6;
      return (hi * 67108864 + lo) / 9007199254740992;
    },
    int: (n) => {
      if (!(n >= 1)) throw new Error(`rng.int: n must be >= 1, got ${n}`);
      return Math.floor(rng.uniform() * n);
    },
    fill: (out) => { for (let i = 0; i < out.length; i++) out[i] = rng.uniform(); },
    normal: () => {
      let u = 0; while (u === 0) u = rng.uniform();
      const v = rng.uniform();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    getState: () => x.state(),
    fork: () => createRng(x.nextU32() ^ Math.imul(x.nextU32(), 0x9e3779b1)),
  };
  return rng;
}
