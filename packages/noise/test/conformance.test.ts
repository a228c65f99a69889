// The built-ins run the same conformance kit a third-party plug-in runs (@difflm/noise/testing).
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@difflm/test-utils';
import { describeNoiseConformance, runNoiseConformance } from '@difflm/noise/testing';
import { defineNoise, giddNoise, hybridNoise, maskBase, maskedNoise, sigmoid, uniformBase, uniformNoise, type TokenSpace } from '../src/index.js';

beforeAll(async () => { await useBackend('cpu'); });

describeNoiseConformance(maskedNoise, { describe, it });
describeNoiseConformance(uniformNoise, { describe, it });
describeNoiseConformance(uniformNoise, { describe, it }, { tokens: { vocabSize: 9, maskId: null, padId: null } });
for (const preset of ['masked', 'low-uniform', 'balanced', 'high-uniform', 'uniform']) describeNoiseConformance(hybridNoise, { describe, it }, { options: { preset } });
describeNoiseConformance(hybridNoise, { describe, it }, { options: { a: 0.5, b: -1.3 } });
describeNoiseConformance(giddNoise, { describe, it }, { options: { pUniform: 0.1 } });
describeNoiseConformance(giddNoise, { describe, it }, { options: { pUniform: 0 } });

describe('the kit fails broken plug-ins', () => {
  it('reports wrong derivatives and coefficients that do not sum to 1', async () => {
    const broken = defineNoise({
      id: 'acme/broken', description: 'wrong on purpose',
      parseOptions: (raw: unknown) => { if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) throw new Error('options must be an object'); return {}; },
      create: (_o: unknown, tokens: TokenSpace) => ({
        id: 'acme/broken', vocabSize: tokens.vocabSize, bases: [uniformBase(tokens), maskBase(tokens, 'acme/broken')],
        coefficients: (l: number, out: Float64Array) => { out[0] = sigmoid(l); out[1] = 0.9 * sigmoid(-l); },
        dCoefficients: (_l: number, out: Float64Array) => { out[0] = 0.1; out[1] = -0.1; },
      }),
    });
    const report = await runNoiseConformance(broken);
    const failed = report.failed.map((f) => f.name);
    expect(failed).toContain('coefficients are non-negative and sum to 1');
    expect(failed).toContain('derivatives sum to 0 and match central finite differences');
    expect(report.passed).toContain('is a plug-in value with a namespaced id');
  });
});
