// `difflm/dynamic` (SPEC §1.6, GIDD+): the noise process's own surrogate weight, clipped to
// [minLossWeight, maxLossWeight]; only for a process that has one (dynamicLossWeight).
import { clamp } from '../../scalar-math.js';
import { optionRecord } from '../../option-fields.js';
import { defineLossWeighting } from './loss-weighting-type.js';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DynamicWeightingOptions {}

declare module '@difflm/noise' {
  interface LossWeightingTypes { 'difflm/dynamic': DynamicWeightingOptions }
}

export default defineLossWeighting({
  id: 'difflm/dynamic',
  description: 'The noise process\'s own dynamic weight (SPEC §1.6, GIDD+), clipped to [minLossWeight, maxLossWeight].',
  parseOptions: (raw: unknown): DynamicWeightingOptions => optionRecord(raw, 'difflm/dynamic options', []) as DynamicWeightingOptions,
  create: (_o: DynamicWeightingOptions, ctx) => {
    const dynamic = ctx.process.dynamicLossWeight?.bind(ctx.process);
    if (!dynamic) throw new Error(`needs a process with a dynamic weight; "${ctx.process.id}" has none (use 'unweighted-elbo' or 'clip')`);
    return { id: 'difflm/dynamic', weight: (t) => clamp(dynamic({ logSnr: t.logSnr, isClean: t.isClean, isMask: t.isMask }), ctx.lossWeightRange[0], ctx.lossWeightRange[1]) };
  },
});
