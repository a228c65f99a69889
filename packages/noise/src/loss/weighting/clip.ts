// `difflm/clip` (SPEC §1.6): the ELBO weight w_λ/p(λ) clipped to [minLossWeight, maxLossWeight].
import { clamp } from '../../scalar-math.js';
import { optionRecord } from '../../option-fields.js';
import { defineLossWeighting } from './loss-weighting-type.js';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ClipWeightingOptions {}

declare module '@difflm/noise' {
  interface LossWeightingTypes { 'difflm/clip': ClipWeightingOptions }
}

export default defineLossWeighting({
  id: 'difflm/clip',
  description: 'The ELBO weight w_λ/p(λ) clipped to [minLossWeight, maxLossWeight] (SPEC §1.6).',
  parseOptions: (raw: unknown): ClipWeightingOptions => optionRecord(raw, 'difflm/clip options', []) as ClipWeightingOptions,
  create: (_o: ClipWeightingOptions, ctx) => ({ id: 'difflm/clip', weight: (t) => clamp(t.elboWeight, ctx.lossWeightRange[0], ctx.lossWeightRange[1]) }),
});
