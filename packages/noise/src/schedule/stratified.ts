// Low-discrepancy ("stratified") uniforms: u_i = (i/n + U) mod 1 with one shared U ([G] `sample_t`,
// SPEC §1.6). Every draw is still U(0, 1) marginally, but the n draws cover [0, 1) evenly, which lowers
// the variance of the ELBO estimate over λ.
import type { Rng } from '../random.js';

export function stratifiedUniforms(n: number, rng: Rng, out: Float64Array = new Float64Array(n)): Float64Array {
  const offset = rng.uniform();
  for (let i = 0; i < n; i++) {
    const u = i / n + offset;
    out[i] = u >= 1 ? u - 1 : u;
  }
  return out;
}
