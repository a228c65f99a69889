// The hybrid mixing family of the scaling paper (SPEC §1.3, [P §2.4 Eq. 6]):
//   π_λ = σ(aλ + b)·u + (1 − σ(aλ + b))·m,   π'_λ = a·σ'(aλ + b)·(u − m).
// At high SNR the corruption is mostly uniform, at low SNR mostly mask. Five presets from [P §4.1].
import { defineNoise } from '../noise-type.js';
import { enumField, finite, numberField, optionRecord } from '../option-fields.js';
import { sigmoid, sigmoidPrime } from '../scalar-math.js';
import { maskBase, uniformBase } from './base-distributions.js';

/** The paper's shifts b (a = 1): transition at t = σ(b) (SPEC §1.3). */
export const hybridPresets = {
  masked: -1000,
  'low-uniform': -2,
  balanced: 0,
  'high-uniform': 2,
  uniform: 1000,
} as const;

export type HybridPreset = keyof typeof hybridPresets;

export interface HybridNoiseOptions {
  /** One of the paper's five presets; sets b. Ignored when b is given. Default 'balanced'. */
  readonly preset?: HybridPreset;
  /** Scale a (default 1, fixed in every experiment of the paper). */
  readonly a?: number;
  /** Shift b (default from preset). */
  readonly b?: number;
}

interface ParsedHybrid { readonly a: number; readonly b: number }

const presetNames = Object.keys(hybridPresets) as HybridPreset[];

const hybridNoise = defineNoise<'difflm/hybrid', ParsedHybrid>({
  id: 'difflm/hybrid',
  description: 'Hybrid masked↔uniform mixing π_λ = σ(aλ+b)·u + (1−σ(aλ+b))·m (scaling paper, Eq. 6)',
  parseOptions(raw) {
    const where = 'difflm/hybrid options';
    const o = optionRecord(raw, where, ['preset', 'a', 'b']);
    const preset = enumField(o, 'preset', where, presetNames, 'balanced');
    return { a: numberField(o, 'a', where, 1, finite), b: numberField(o, 'b', where, hybridPresets[preset], finite) };
  },
  create({ a, b }, tokens) {
    // bases: [u, m]
    const bases = [uniformBase(tokens), maskBase(tokens, 'difflm/hybrid')];
    return {
      id: 'difflm/hybrid', vocabSize: tokens.vocabSize, bases,
      coefficients(l, out) {
        out[0] = sigmoid(a * l + b);
        out[1] = sigmoid(-(a * l + b)); // = 1 − σ(aλ+b) without cancellation
      },
      dCoefficients(l, out) {
        const d = a * sigmoidPrime(a * l + b);
        out[0] = d;
        out[1] = -d;
      },
    };
  },
});

export default hybridNoise;
export { hybridNoise };
