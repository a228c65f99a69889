// The built-ins run the same conformance kit a third-party plug-in runs (@difflm/noise/testing).
import { beforeAll, describe, it } from 'vitest';
import { useBackend } from '@difflm/test-utils';
import { describeNoiseConformance } from '@difflm/noise/testing';
import { giddNoise, hybridNoise, maskedNoise, uniformNoise } from '../src/index.js';

beforeAll(async () => { await useBackend('cpu'); });

describeNoiseConformance(maskedNoise, { describe, it });
describeNoiseConformance(uniformNoise, { describe, it });
describeNoiseConformance(uniformNoise, { describe, it }, { tokens: { vocabSize: 9, maskId: null, padId: null } });
for (const preset of ['masked', 'low-uniform', 'balanced', 'high-uniform', 'uniform']) describeNoiseConformance(hybridNoise, { describe, it }, { options: { preset } });
describeNoiseConformance(hybridNoise, { describe, it }, { options: { a: 0.5, b: -1.3 } });
describeNoiseConformance(giddNoise, { describe, it }, { options: { pUniform: 0.1 } });
describeNoiseConformance(giddNoise, { describe, it }, { options: { pUniform: 0 } });
