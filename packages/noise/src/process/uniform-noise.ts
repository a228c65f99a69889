// Uniform diffusion: π_λ = u (uniform over the non-mask tokens) for every λ, the b → +∞ end of the
// hybrid family (SPEC §1.3). Works on vocabularies without a mask token.
import { defineNoise } from '../noise-type.js';
import { optionRecord } from '../option-fields.js';
import { uniformBase } from './base-distributions.js';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface UniformNoiseOptions {}

const uniformNoise = defineNoise<'difflm/uniform', UniformNoiseOptions>({
  id: 'difflm/uniform',
  description: 'Uniform diffusion: π_λ = uniform over the non-mask tokens',
  parseOptions(raw) {
    optionRecord(raw, 'difflm/uniform options', []);
    return {};
  },
  create(_options, tokens) {
    return {
      id: 'difflm/uniform', vocabSize: tokens.vocabSize, bases: [uniformBase(tokens)],
      coefficients(_l, out) { out[0] = 1; },
      dCoefficients(_l, out) { out[0] = 0; },
    };
  },
});

export default uniformNoise;
export { uniformNoise };
