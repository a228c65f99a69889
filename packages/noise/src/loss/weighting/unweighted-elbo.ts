// `difflm/unweighted-elbo` (SPEC §1.4, the paper's default): w_λ, the ELBO weight with p(λ) := 1, clipped to
// [0, lossWeightClip].
import { clamp } from '../../scalar-math.js';
import { optionRecord } from '../../option-fields.js';
import { defineLossWeighting } from './loss-weighting-type.js';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface UnweightedElboOptions {}

declare module '@difflm/noise' {
  interface LossWeightingTypes { 'difflm/unweighted-elbo': UnweightedElboOptions }
}

export default defineLossWeighting({
  id: 'difflm/unweighted-elbo',
  description: 'w_λ (SPEC §1.4 Eq. 5 with p(λ) := 1), clipped to [0, lossWeightClip]: the paper\'s surrogate weight.',
  parseOptions: (raw: unknown): UnweightedElboOptions => optionRecord(raw, 'difflm/unweighted-elbo options', []) as UnweightedElboOptions,
  create: (_o: UnweightedElboOptions, ctx) => ({ id: 'difflm/unweighted-elbo', weight: (t) => clamp(t.w, 0, ctx.lossWeightClip) }),
});
