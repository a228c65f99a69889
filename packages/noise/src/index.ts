export type { NoiseSpec, TokenSpace, CorruptedBatch, DiffusionLoss, DiffusionObjective } from './objective.js';
export { createRng, type Rng, type RngState } from './random.js';
