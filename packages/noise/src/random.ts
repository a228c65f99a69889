// The seeded generator of @difflm/noise is @difflm/random's (one generator for every package, ADR 0002).
export { createRng, type Rng, type RngState } from '@difflm/random';
