// Masked (absorbing) diffusion, MDLM: π_λ = m for every λ, the zero-uniform case of the hybrid family
// (SPEC §1.3, b → −∞). Its ELBO integrand is −log x̂_x / t on masked tokens (MDLM's 1/t weighting).
import { defineNoise } from '../noise-type.js';
import { optionRecord } from '../option-fields.js';
import { maskBase } from './base-distributions.js';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MaskedNoiseOptions {}

const maskedNoise = defineNoise<'difflm/masked', MaskedNoiseOptions>({
  id: 'difflm/masked',
  description: 'Masked (absorbing-state) diffusion, MDLM: π_λ = onehot(mask)',
  parseOptions(raw) {
    optionRecord(raw, 'difflm/masked options', []);
    return {};
  },
  create(_options, tokens) {
    return {
      id: 'difflm/masked', vocabSize: tokens.vocabSize, bases: [maskBase(tokens, 'difflm/masked')],
      coefficients(_l, out) { out[0] = 1; },
      dCoefficients(_l, out) { out[0] = 0; },
    };
  },
});

export default maskedNoise;
export { maskedNoise };
