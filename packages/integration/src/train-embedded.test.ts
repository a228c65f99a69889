// A tiny masked diffusion LM on the embedded corpus: ~100 steps, the loss falls; the ELBO and the AR
// baseline's cross-entropy are reported in the same units.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@difflm/test-utils';
import { defaultRunComponents } from '@difflm/cli';
import { readJsonl, runTraining } from '@difflm/trainer/node';
import { embeddedCorpus, removeTempDirs, tempDir, tinyRunConfig } from './fixtures.js';

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('training on the embedded corpus', () => {
  let data: Awaited<ReturnType<typeof embeddedCorpus>>;
  afterAll(removeTempDirs);
  beforeAll(async () => { await useBackend('wasm'); data = await embeddedCorpus(); });

  it('a tiny masked DLM trained for 100 steps: the training ELBO falls and the held-out ELBO is far below a uniform predictor', async () => {
    const runDir = join(tempDir('difflm-train-'), 'masked');
    const config = tinyRunConfig(data.dir, data.vocabSize, { model: { vocabSize: data.vocabSize, seqLen: 64, dModel: 64, nLayers: 2, nHeads: 2 }, seqLen: 64, batchSize: 8, budget: { steps: 100 }, schedule: { peakLr: 0.3, warmupSteps: 10 }, checkpointEvery: 50, eval: { batches: 2, levels: 8 } });
    const r = await runTraining({ runDir, config, components: defaultRunComponents() });
    const elbo = readJsonl<{ elbo: number }>(join(runDir, 'metrics.jsonl')).map((m) => m.elbo);
    expect(elbo).toHaveLength(100);
    expect(mean(elbo.slice(-20))).toBeLessThan(mean(elbo.slice(0, 10)));
    // A uniform predictor over the 258 non-special tokens scores log 258 ≈ 5.55 nats/token.
    expect(r.eval!.elbo).toBeLessThan(Math.log(data.vocabSize - 2) - 1);
    expect(r.eval!.pplBound).toBeCloseTo(Math.exp(r.eval!.elbo), 6);
  }, 120_000);

  it('the AR baseline trained for 60 steps beats the unigram entropy on held-out data', async () => {
    const runDir = join(tempDir('difflm-train-'), 'ar');
    const config = tinyRunConfig(data.dir, data.vocabSize, { model: { vocabSize: data.vocabSize, seqLen: 64, dModel: 64, nLayers: 2, nHeads: 2, causal: true }, objective: { kind: 'autoregressive' }, seqLen: 64, batchSize: 8, budget: { steps: 60 }, checkpointEvery: 60, eval: { batches: 2 } });
    const r = await runTraining({ runDir, config, components: defaultRunComponents() });
    expect(r.eval!.elbo).toBeLessThan(data.unigramNats);
  }, 120_000);
});
