// @difflm/random: the seeded generators of every difflm package (ADR 0002). No dependencies.
export { xoshiro128, splitmix32, fmix32, type RngState, type Xoshiro128 } from './xoshiro.js';
export { createRng, type Rng } from './rng.js';
export { hash32, hashUniform, hashName, splitmixHash } from './counter-hash.js';
