// Samplers are values: the built-ins pass the kit a third party's sampler passes, and a plug-in written against the
// public API samples through generate() when its registry is given.
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@difflm/test-utils';
import { describeSamplerConformance, samplerConformanceChecks } from '@difflm/noise/testing';
import {
  adaptiveSampler, ancestralSampler, argmax, createRng, createSamplerRegistry, defineSampler, denoiserProbs, generate, selfCorrectionSampler,
} from '../src/index.js';
import * as tf from '@tensorflow/tfjs-core';

beforeAll(async () => { await useBackend('cpu'); });

describeSamplerConformance(ancestralSampler, { describe, it });
describeSamplerConformance(adaptiveSampler, { describe, it });
describeSamplerConformance(selfCorrectionSampler, { describe, it }, { options: { iterations: 8 } });

/** Left to right, one position per denoiser call: the argmax (or a truncated draw) of the first position still noisy. */
const leftToRight = defineSampler({
  id: 'acme/left-to-right',
  description: 'Denoises the block one position per step, left to right.',
  parseOptions(raw: unknown): Record<string, never> {
    if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) throw new Error('acme/left-to-right options must be an object');
    return {};
  },
  create: () => ({
    async runBlock(s, { inBlock, attention }) {
      const probs = new Float64Array(s.V);
      for (let j = 0; j < s.N; j++) {
        if (!Array.from({ length: s.B }, (_, b) => inBlock[b * s.N + j]).some(Boolean)) continue;
        const logits = await s.denoise(attention);
        for (let b = 0; b < s.B; b++) {
          const p = b * s.N + j;
          if (inBlock[p]) s.z[p] = argmax(denoiserProbs(logits, p * s.V, s.V, s.maskId, s.trunc, probs));
        }
      }
    },
  }),
});
describeSamplerConformance(leftToRight, { describe, it });

describe('the sampler registry', () => {
  it('resolves bare names and plug-in ids; generate() runs a plug-in from the registry it is given', async () => {
    const reg = createSamplerRegistry([leftToRight]);
    expect(reg.ids()).toEqual(['acme/left-to-right', 'difflm/adaptive', 'difflm/ancestral', 'difflm/self-correction']);
    expect(reg.get('adaptive').id).toBe('difflm/adaptive');
    let calls = 0;
    const denoise = (zt: tf.Tensor2D) => { calls++; return tf.tidy(() => tf.oneHot(tf.fill(zt.shape, 4, 'int32') as tf.Tensor2D, 10).toFloat().mul(20) as tf.Tensor3D); };
    const out = await generate({ spec: { id: 'difflm/masked' }, tokens: { vocabSize: 10, maskId: 9, padId: null }, denoise, batchSize: 1, seqLen: 6, steps: 6, grid: 'cosine', sampler: 'acme/left-to-right', samplers: reg, rng: createRng(1), temperature: 0 });
    expect(Array.from(out[0]!)).toEqual([4, 4, 4, 4, 4, 4]);
    expect(calls).toBe(6);
    await expect(generate({ spec: { id: 'difflm/masked' }, tokens: { vocabSize: 10, maskId: 9, padId: null }, denoise, batchSize: 1, seqLen: 6, steps: 6, grid: 'cosine', sampler: 'acme/left-to-right', rng: createRng(1) }))
      .rejects.toThrow(/unknown sampler "acme\/left-to-right".*--plugins/);
  });

  it('the kit fails a sampler that leaves noise behind', async () => {
    const lazy = defineSampler({ ...leftToRight, id: 'acme/lazy', create: () => ({ runBlock: async () => {} }) });
    const failed: string[] = [];
    for (const c of samplerConformanceChecks(lazy)) { try { await c.run(); } catch { failed.push(c.name); } }
    expect(failed).toContain('recovers the oracle\'s sequence under masked noise at temperature 0, without leaking tensors');
  });
});
