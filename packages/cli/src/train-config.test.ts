import { describe, expect, it } from 'vitest';
import { parseTrainRunConfig } from '@difflm/trainer/node';
import { buildTrainConfig, objectiveFromFlag } from './train-config.js';

const data = { dir: '/data/sotu', vocabSize: 260 };

describe('difflm train config: preset ← file ← flags', () => {
  it('the tiny preset with flags resolves to a valid config sized by the data', () => {
    const cfg = parseTrainRunConfig(buildTrainConfig({ steps: '30', batch: '4', lr: '0.5', noise: 'uniform' }, {}, data));
    expect(cfg.budget).toEqual({ steps: 30 });
    expect(cfg.batchSize).toBe(4);
    expect(cfg.schedule.peakLr).toBe(0.5);
    expect(cfg.schedule.warmupSteps).toBe(20); // from the preset
    expect(cfg.objective).toEqual({ kind: 'diffusion', noise: { id: 'difflm/uniform' }, objectiveOptions: {} });
    expect(cfg.model).toEqual({ dModel: 64, nLayers: 2, nHeads: 2, vocabSize: 260, seqLen: 64, causal: false });
    expect(cfg.data).toEqual({ dir: '/data/sotu' });
  });

  it('a file overrides the preset, flags override the file; --depth uses the size dial; ar makes the model causal', () => {
    const cfg = parseTrainRunConfig(buildTrainConfig({ preset: 'small', tokens: '1e6', depth: '2', noise: 'ar', seqLen: '32' }, { batchSize: 8, budget: { steps: 5 } }, data));
    expect(cfg.budget).toEqual({ tokens: 1e6 });
    expect(cfg.batchSize).toBe(8);
    expect(cfg.seqLen).toBe(32);
    expect(cfg.objective).toEqual({ kind: 'autoregressive' });
    expect(cfg.model).toMatchObject({ dModel: 128, nLayers: 2, nHeads: 2, vocabSize: 260, seqLen: 32, causal: true });
  });

  it('names the bad flag', () => {
    expect(() => buildTrainConfig({ steps: '10', tokens: '5' }, {}, data)).toThrow(/one budget flag/);
    expect(() => buildTrainConfig({ preset: 'huge' }, {}, data)).toThrow(/--preset must be one of tiny, small, reference/);
    expect(() => buildTrainConfig({ batch: 'x' }, {}, data)).toThrow(/--batch must be an integer/);
    expect(() => objectiveFromFlag('hybrid', '{bad')).toThrow(/--noise-options must be JSON/);
    expect(objectiveFromFlag('acme/foo', '{"a":1}')).toEqual({ kind: 'diffusion', noise: { id: 'acme/foo', options: { a: 1 } } });
  });
});
