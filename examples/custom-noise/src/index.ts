// @difflm/example-custom-noise: a third-party noise plug-in. Name it in a training config with
//   { "plugins": ["@difflm/example-custom-noise"], "noise": { "id": "acme/unigram", "options": { "b": -1 } } }
export { default, unigramNoise, type UnigramNoiseOptions } from './unigram-noise.js';
