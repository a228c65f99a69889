// Counter-based draws: a value is a pure function of its coordinates, so it needs no generator state — data order
// resumes from a counter, and two model widths under one seed share the weight entries they both have.
import { fmix32 } from './xoshiro.js';

/** A uint32 that depends on every argument (each an integer; indices up to 2^53). */
export function hash32(seed: number, stream: number, index: number): number {
  const lo = index >>> 0, hi = Math.floor(index / 4294967296) >>> 0;
  let h = fmix32((seed >>> 0) ^ 0x9e3779b9);
  h = fmix32(h ^ Math.imul(stream + 1, 0x27d4eb2f));
  h = fmix32(h ^ lo);
  return fmix32(h ^ Math.imul(hi + 1, 0x165667b1));
}

/** A float in [0, 1) from hash32. */
export function hashUniform(seed: number, stream: number, index: number): number {
  return hash32(seed, stream, index) / 4294967296;
}

/** FNV-1a of a name, started from a seed: a per-name stream seed that does not depend on the order of names. */
export function hashName(seed: number, name: string): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** One splitmix32 step of x: golden gamma, then fmix32 (the coordinate mix of counter-based weight draws). */
export function splitmixHash(x: number): number {
  return fmix32((x + 0x9e3779b9) >>> 0);
}
