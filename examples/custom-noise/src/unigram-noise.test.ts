import { beforeAll, describe, expect, it } from 'vitest';
import { tf, useBackend } from '@difflm/test-utils';
import { createNoiseRegistry, createObjective, createRng, generate, noiseSpec } from '@difflm/noise';
import { describeNoiseConformance } from '@difflm/noise/testing';
import * as pluginModule from './index.js';

beforeAll(async () => { await useBackend('cpu'); });

// The same kit the built-ins pass.
describeNoiseConformance(pluginModule, { describe, it });
describeNoiseConformance(pluginModule, { describe, it }, { options: { b: -2, zipfExponent: 1.5 } });
describeNoiseConformance(pluginModule, { describe, it }, { tokens: { vocabSize: 9, maskId: null, padId: null } });

describe('acme/unigram in a training config', () => {
  it('loads by module name from a config plugins list and trains/samples through the public API', async () => {
    const config = JSON.parse('{"plugins": ["@difflm/example-custom-noise"], "noise": {"id": "acme/unigram", "options": {"b": -1}}}') as { plugins: string[]; noise: { id: string; options: Record<string, unknown> } };
    const modules = await Promise.all(config.plugins.map((name) => import(name)));
    const registry = createNoiseRegistry(modules);
    expect(registry.ids()).toContain('acme/unigram');
    const tokens = { vocabSize: 10, maskId: 9, padId: null };
    const objective = createObjective(config.noise, tokens, {}, registry);
    const x = tf.tensor2d(Int32Array.from({ length: 32 }, (_, i) => i % 9), [4, 8], 'int32');
    const batch = objective.corrupt(x, createRng(1));
    const out = objective.loss(tf.zeros([4, 8, 10]) as tf.Tensor3D, batch);
    expect(Number.isFinite(out.elbo.dataSync()[0])).toBe(true);
    tf.dispose([x, out.loss, out.elbo, out.kl, out.is, out.numNoisy]); batch.dispose();
    const rows = await generate({ objective, denoise: (zt) => tf.zeros([zt.shape[0], 8, 10]), batchSize: 2, seqLen: 8, steps: 4, sampler: 'ancestral', grid: 'cosine', rng: createRng(2) });
    expect(rows.every((r) => r.every((v) => v >= 0 && v < 9))).toBe(true);
    // typed spec through module augmentation
    const spec = noiseSpec('acme/unigram', { zipfExponent: 1.2 });
    expect(spec.id).toBe('acme/unigram');
  });
  it('rejects a mis-typed option by name', () => {
    expect(() => createObjective({ id: 'acme/unigram', options: { b: 'x' } }, { vocabSize: 10, maskId: 9, padId: null }, {}, createNoiseRegistry([pluginModule]))).toThrow(/acme\/unigram options\.b must be a number, got "x"/);
  });
});
