// `difflm/elbo`: the true ELBO weight w_λ/p(λ), clipped to [0, elboWeightClip] — training on the ELBO itself.
import { clamp } from '../../scalar-math.js';
import { optionRecord } from '../../option-fields.js';
import { defineLossWeighting } from './loss-weighting-type.js';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ElboWeightingOptions {}

declare module '@difflm/noise' {
  interface LossWeightingTypes { 'difflm/elbo': ElboWeightingOptions }
}

export default defineLossWeighting({
  id: 'difflm/elbo',
  description: 'The true ELBO weight w_λ/p(λ), clipped to [0, elboWeightClip].',
  parseOptions: (raw: unknown): ElboWeightingOptions => optionRecord(raw, 'difflm/elbo options', []) as ElboWeightingOptions,
  create: (_o: ElboWeightingOptions, ctx) => ({ id: 'difflm/elbo', weight: (t) => clamp(t.elboWeight, 0, ctx.elboWeightClip) }),
});
