// Test helper: run components over an in-memory token array (data dir "memory") and a tiny run config for them,
// shared by the run-directory tests.
import type { RunComponents } from '../src/node/run-components.js';
import { arraySource, patternedTokens, standInMaskedObjective, tinyModel } from './tiny-model.js';

const V = 12;
const ids = patternedTokens(8192, V, 11);

export const memoryRunComponents: RunComponents = {
  createModel: (m, { seed }) => {
    if ((m.dModel as number) % (m.nHeads as number) !== 0) throw new Error('model config: nHeads must divide dModel');
    return tinyModel({ vocabSize: m.vocabSize as number, dModel: m.dModel as number, seqLen: m.seqLen as number, seed });
  },
  openData: ({ dir }) => {
    if (dir !== 'memory') throw new Error(`data directory ${dir} does not exist: run difflm data prepare first`);
    return {
      tokens: { vocabSize: V, maskId: V - 1, padId: null }, bytesPerToken: 1,
      batches: ({ split, batchSize, seqLen }) => arraySource(split === 'train' ? ids.subarray(0, 6144) : ids.subarray(6144), batchSize, seqLen),
    };
  },
  createNoiseObjective: (_spec, tokens) => standInMaskedObjective(tokens.vocabSize),
};

/** A 10-step run of a d = 8 model on the memory corpus, evaluated every 5 steps, checkpointed every 3. */
export const memoryRunConfig = {
  model: { vocabSize: V, dModel: 8, nHeads: 2, seqLen: 8 },
  objective: { kind: 'diffusion', noise: { id: 'test/masked' } },
  schedule: { peakLr: 0.5, warmupSteps: 2 },
  budget: { steps: 10 }, batchSize: 4, seqLen: 8,
  data: { dir: 'memory' }, seed: 5, eval: { batches: 1, levels: 4, every: 5 }, checkpointEvery: 3,
};
