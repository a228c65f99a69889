// Deterministic initial weights from @difflm/random's generators in plain JavaScript, so the same seed gives
// bit-identical weights on every backend (tf.randomNormal's seeding differs between backends). Each parameter
// has its own stream (its name hashed into the seed), independent of the order parameters are built in.
import { hashName, splitmix32, splitmixHash } from '@difflm/random';

/** `size` draws from N(0, std²) for parameter `name` under `seed` (Box–Muller). */
export function seededNormal(seed: number, name: string, size: number, std: number): Float32Array {
  if (!Number.isFinite(seed)) throw new Error(`model init: seed must be a finite number, got ${seed}`);
  const next = splitmix32(hashName(Math.floor(seed) >>> 0, name));
  const out = new Float32Array(size);
  for (let i = 0; i < size; i += 2) {
    // u1 ∈ (0, 1]: adding 1 before dividing keeps log(u1) finite.
    const u1 = (next() + 1) / 4294967296;
    const u2 = next() / 4294967296;
    const r = std * Math.sqrt(-2 * Math.log(u1));
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < size) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

/**
 * Draws from N(0, std²) for parameter `name` under `seed`, each entry from its coordinates alone: `coords(i)` gives
 * the coordinates of flat index i, and equal coordinates give equal draws whatever the shape. Two widths of one
 * model under one seed therefore share every entry they both have (a counter-based generator, no stream order).
 */
export function nestedNormal(seed: number, name: string, size: number, std: number, coords: (i: number) => readonly number[]): Float32Array {
  if (!Number.isFinite(seed)) throw new Error(`model init: seed must be a finite number, got ${seed}`);
  const base = hashName(Math.floor(seed) >>> 0, name);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    let h = base;
    for (const c of coords(i)) h = splitmixHash(h ^ splitmixHash(c >>> 0));
    const u1 = (splitmixHash(h) + 1) / 4294967296;
    const u2 = splitmixHash(h ^ 0x5bd1e995) / 4294967296;
    out[i] = std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
  return out;
}
