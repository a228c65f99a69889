// A third-party noise type written against the public @difflm/noise contract: a hybrid between masking and
// a unigram prior over the vocabulary (instead of the uniform distribution),
//   π_λ = σ(aλ + b)·prior + (1 − σ(aλ + b))·m,   dπ_λ/dλ = a·σ'(aλ + b)·(prior − m).
// On a vocabulary without a mask token it is pure unigram noise (π_λ = prior).
import { defineNoise, finite, maskBase, numberField, optionRecord, sigmoid, vectorBase, type NoiseProcess, type RawOptions } from '@difflm/noise';

export interface UnigramNoiseOptions {
  /** Unigram probabilities, length V (normalised; the mask entry is ignored). Default: Zipf over the non-mask ids. */
  readonly prior?: readonly number[];
  /** Zipf exponent s of the default prior p(v) ∝ 1/(v+1)^s. Default 1. */
  readonly zipfExponent?: number;
  /** Scale a and shift b of the mask↔prior transition (default 1, 0). */
  readonly a?: number;
  readonly b?: number;
}

declare module '@difflm/noise' {
  interface NoiseTypes {
    'acme/unigram': UnigramNoiseOptions;
  }
}

interface Parsed { readonly prior: readonly number[] | null; readonly zipfExponent: number; readonly a: number; readonly b: number }

// difflm's own option readers give the same one-line errors as the built-ins'.
const WHERE = 'acme/unigram options';
const num = (o: RawOptions, field: string, fallback: number): number => numberField(o, field, WHERE, fallback, finite);

const unigramNoise = defineNoise<'acme/unigram', Parsed>({
  id: 'acme/unigram',
  description: 'Masking mixed with a unigram prior: π_λ = σ(aλ+b)·prior + (1−σ(aλ+b))·m (example plug-in)',
  parseOptions(raw) {
    const o = optionRecord(raw, WHERE, ['prior', 'zipfExponent', 'a', 'b']);
    if (o.prior !== undefined && !(Array.isArray(o.prior) && o.prior.every((p) => typeof p === 'number' && p >= 0))) {
      throw new Error('acme/unigram options.prior must be an array of non-negative numbers (one per token)');
    }
    return { prior: (o.prior as number[] | undefined) ?? null, zipfExponent: num(o, 'zipfExponent', 1), a: num(o, 'a', 1), b: num(o, 'b', 0) };
  },
  create({ prior, zipfExponent, a, b }, tokens): NoiseProcess {
    const V = tokens.vocabSize;
    const probs = prior ? Float64Array.from(prior) : Float64Array.from({ length: V }, (_, v) => 1 / (v + 1) ** zipfExponent);
    if (tokens.maskId !== null && probs.length === V) probs[tokens.maskId] = 0;
    const unigram = vectorBase('unigram', probs, V);
    if (tokens.maskId === null) {
      return { id: 'acme/unigram', vocabSize: V, bases: [unigram], coefficients: (_l, out) => { out[0] = 1; }, dCoefficients: (_l, out) => { out[0] = 0; } };
    }
    return {
      id: 'acme/unigram', vocabSize: V, bases: [unigram, maskBase(tokens, 'acme/unigram')],
      coefficients(l, out) { out[0] = sigmoid(a * l + b); out[1] = sigmoid(-(a * l + b)); },
      dCoefficients(l, out) { const d = a * sigmoid(a * l + b) * sigmoid(-(a * l + b)); out[0] = d; out[1] = -d; },
    };
  },
});

export default unigramNoise;
export { unigramNoise };
