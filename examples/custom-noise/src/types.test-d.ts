// Type test: module augmentation makes 'acme/unigram' a typed noise id.
import { noiseSpec, type NoiseTypes } from '@difflm/noise';
import type { UnigramNoiseOptions } from './index.js';

const ok: UnigramNoiseOptions = noiseSpec('acme/unigram', { b: -1 }).options!;
const builtin: NoiseTypes['difflm/hybrid'] = { preset: 'balanced' };
// @ts-expect-error — options of the wrong type are rejected at compile time
noiseSpec('acme/unigram', { b: 'big' });
// @ts-expect-error — unknown ids are rejected at compile time
noiseSpec('acme/nothing', {});
void ok; void builtin;
