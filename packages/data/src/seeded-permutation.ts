// A seeded permutation of [0, n) per (seed, epoch): Fisher–Yates driven by a xorshift generator whose
// state comes from hash32, so epoch e's order is reproducible without replaying earlier epochs.
import { HASH_STREAM, hash32 } from './seeded-hash.js';

/** The permutation of window indices for one epoch. */
export function seededPermutation(n: number, seed: number, epoch: number): Uint32Array {
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let s = hash32(seed, HASH_STREAM.permutation, epoch) || 1; // xorshift32 needs a non-zero state
  for (let i = n - 1; i > 0; i--) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    // Two draws make a 53-bit-ish uniform so that j is unbiased for large n.
    const hi = s;
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    const u = (hi * 4294967296 + s) / 18446744073709551616;
    const j = Math.floor(u * (i + 1));
    const t = perm[i]!; perm[i] = perm[j]!; perm[j] = t;
  }
  return perm;
}
