// Deterministic initial weights: a small seeded generator in plain JavaScript, so the same seed gives
// bit-identical weights on every backend (tf.randomNormal's seeding differs between backends).

/** splitmix32 → uint32 stream. */
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

/** Mix a parameter name into the seed, so each parameter has its own stream (independent of order). */
function hashName(seed: number, name: string): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

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

/** A 32-bit mix of a uint32 (the splitmix32 finaliser). */
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
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
    for (const c of coords(i)) h = mix32(h ^ mix32(c >>> 0));
    const u1 = (mix32(h) + 1) / 4294967296;
    const u2 = mix32(h ^ 0x5bd1e995) / 4294967296;
    out[i] = std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
  return out;
}
