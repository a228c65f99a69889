// The built-in samplers as plug-in values (SPEC §2), and the registry constructor that starts from them.
import { numberField, optionRecord } from '../option-fields.js';
import { runAdaptiveBlock } from './adaptive-sampler.js';
import { runAncestralBlock } from './ancestral-sampler.js';
import { runSelfCorrection, type SelfCorrectionOptions } from './self-correction.js';
import { defineSampler, samplerRegistryOf, type SamplerPlugin, type SamplerRegistry } from './sampler-type.js';

declare module '@difflm/noise' {
  interface SamplerTypes {
    'difflm/ancestral': Record<string, never>;
    'difflm/adaptive': Record<string, never>;
    'difflm/self-correction': SelfCorrectionOptions;
  }
}

const none = (id: string) => (raw: unknown): Record<string, never> => optionRecord(raw, `${id} options`, []) as Record<string, never>;

/** Ancestral sampling on the λ grid (SPEC §2.1). */
export const ancestralSampler = defineSampler({
  id: 'difflm/ancestral',
  description: 'Ancestral sampling: each grid step λ_i → λ_i+1 draws z_s ~ p(z_s | z_t) at every position of the block (SPEC §2.1).',
  parseOptions: none('difflm/ancestral'),
  create: () => ({ runBlock: (s, b) => runAncestralBlock(s, b.inBlock, b.attention, b.grid) }),
});

/** The paper's adaptive "generalised confidence" sampler (SPEC §2.2). */
export const adaptiveSampler = defineSampler({
  id: 'difflm/adaptive',
  description: 'Adaptive sampling: each step fully denoises the k most confident positions of the block (SPEC §2.2).',
  parseOptions: none('difflm/adaptive'),
  create: () => ({ runBlock: (s, b) => runAdaptiveBlock(s, b.inBlock, b.attention, b.steps) }),
});

/** Ancestral blocks, then GIDD self-correction over everything generated (SPEC §2.3). */
export const selfCorrectionSampler = defineSampler({
  id: 'difflm/self-correction',
  description: 'Ancestral sampling, then GIDD self-correction of the generated tokens (SPEC §2.3; options iterations, temperature, tokensPerStep, maxPatience).',
  parseOptions(raw: unknown): SelfCorrectionOptions {
    const where = 'difflm/self-correction options';
    const o = optionRecord(raw, where, ['iterations', 'temperature', 'tokensPerStep', 'maxPatience']);
    const int = (field: string, fallback: number): number => numberField(o, field, where, fallback, (v) => (Number.isInteger(v) && v >= 1 ? undefined : 'must be an integer >= 1'));
    return {
      iterations: int('iterations', 128),
      temperature: numberField(o, 'temperature', where, 0.1, (v) => (v > 0 ? undefined : 'must be > 0')),
      tokensPerStep: int('tokensPerStep', 1),
      maxPatience: int('maxPatience', 32),
    };
  },
  create: (options: SelfCorrectionOptions) => ({
    runBlock: (s, b) => runAncestralBlock(s, b.inBlock, b.attention, b.grid),
    refine: (s, generated, attention) => runSelfCorrection(s, generated, attention, options),
  }),
});

export const builtinSamplers: readonly SamplerPlugin[] = Object.freeze([ancestralSampler, adaptiveSampler, selfCorrectionSampler]) as readonly SamplerPlugin[];

/** The built-in samplers plus the sampler plug-ins of a loaded module list (other kinds are skipped). */
export function createSamplerRegistry(plugins: readonly unknown[] = []): SamplerRegistry {
  return samplerRegistryOf(builtinSamplers, plugins);
}
