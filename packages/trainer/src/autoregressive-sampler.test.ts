import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '@difflm/noise';
import { useBackend } from '@difflm/test-utils';
import { tinyModel } from '../test/tiny-model.js';
import { sampleAutoregressive, sampleFromLogits } from './autoregressive-sampler.js';

beforeAll(async () => { await useBackend('cpu'); });

describe('autoregressive sampling', () => {
  it('greedy picks the argmax; top-k 1 too; excluded ids never appear', () => {
    const logits = [0.1, 3, 2, 5];
    expect(sampleFromLogits(logits, createRng(1), { temperature: 0 })).toBe(3);
    expect(sampleFromLogits(logits, createRng(1), { topK: 1 })).toBe(3);
    const rng = createRng(2);
    for (let i = 0; i < 200; i++) expect(sampleFromLogits(logits, rng, { excludeIds: [3], topP: 0.9 })).not.toBe(3);
  });

  it('follows the softmax distribution at temperature 1', () => {
    const rng = createRng(3);
    const counts = [0, 0];
    for (let i = 0; i < 4000; i++) counts[sampleFromLogits([0, Math.log(3)], rng)]!++;
    expect(counts[1]! / 4000).toBeCloseTo(0.75, 1);
  });

  it('extends the prompt deterministically for a seed', async () => {
    const model = tinyModel({ vocabSize: 10, dModel: 8, seqLen: 12, causal: true, seed: 1 });
    const a = await sampleAutoregressive(model, { prompt: [1, 2], length: 6, numSamples: 2, rng: createRng(9) });
    const b = await sampleAutoregressive(model, { prompt: [1, 2], length: 6, numSamples: 2, rng: createRng(9) });
    expect(a).toEqual(b);
    expect(a[0]!.length).toBe(8);
    expect(Array.from(a[0]!.subarray(0, 2))).toEqual([1, 2]);
    await expect(sampleAutoregressive(model, { prompt: [1], length: 20, numSamples: 1, rng: createRng(1) })).rejects.toThrow(/exceeds the model context/);
    model.dispose();
  });

  it('eosId ends each row at its first EOS (included) and minLength keeps EOS out of the first generated tokens', async () => {
    const model = tinyModel({ vocabSize: 10, dModel: 8, seqLen: 16, causal: true, seed: 4 });
    const plain = await sampleAutoregressive(model, { prompt: [1, 2], length: 12, numSamples: 3, rng: createRng(5), temperature: 0.7 });
    const eosId = plain[0]![4]!; // the third generated token of row 0
    const firstAt = plain.map((r) => { const i = Array.from(r).indexOf(eosId, 2); return i < 0 ? r.length : i + 1; });
    const stopped = await sampleAutoregressive(model, { prompt: [1, 2], length: 12, numSamples: 3, rng: createRng(5), temperature: 0.7, eosId });
    // Same draws up to each row's first EOS (nothing else changes), cut there.
    expect(stopped.map((r) => Array.from(r))).toEqual(plain.map((r, b) => Array.from(r.slice(0, firstAt[b]))));
    const later = await sampleAutoregressive(model, { prompt: [1, 2], length: 12, numSamples: 3, rng: createRng(5), temperature: 0.7, eosId, minLength: 5 });
    for (const r of later) {
      expect(Array.from(r.slice(2, 7))).not.toContain(eosId);
      const at = Array.from(r).indexOf(eosId, 7);
      expect(r.length).toBe(at < 0 ? 14 : at + 1);
    }
    await expect(sampleAutoregressive(model, { prompt: [1], length: 3, numSamples: 1, rng: createRng(1), minLength: 2 })).rejects.toThrow(/minLength needs eosId/);
    model.dispose();
  });
});
