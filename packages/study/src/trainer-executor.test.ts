import { describe, expect, it } from 'vitest';
import { parseTrainRunConfig } from '@difflm/trainer/node';
import { studyPreset } from './presets.js';
import { parseStudyDefinition } from './study-definition.js';
import { planStudy } from './study-plan.js';
import { trainRunConfigOf } from './trainer-executor.js';

describe('trainer run config of a study run', () => {
  it('is a valid @difflm/trainer config carrying the run’s model, noise, budget, batch and LR', () => {
    const { config } = planStudy(parseStudyDefinition(studyPreset('quick-separate'))).runs.at(-1)!;
    const t = parseTrainRunConfig(trainRunConfigOf(config, '/data/sotu-byte', 260));
    expect(t.model).toEqual({ vocabSize: 260, seqLen: 64, dModel: config.model.width, nLayers: config.model.layers, nHeads: config.model.heads });
    expect(t.objective).toEqual({ kind: 'diffusion', noise: config.noise, objectiveOptions: {} });
    expect(t.budget).toEqual({ steps: config.steps });
    expect(t.batchSize).toBe(config.batchSequences);
    expect(t.schedule).toEqual({ peakLr: config.lr, warmupSteps: config.warmupSteps, cooldown: 0.2 });
    expect(t.optimizer.auxLrScale).toBe(0.2);
    expect(t.eval).toMatchObject({ every: 0, batches: 128, batchSize: 16, levels: 8, seed: 1234 }); // the study's shared evaluation
    expect(t.data).toEqual({ dir: '/data/sotu-byte' });
  });
  it('a study trainer field the trainer does not know is an error naming it, when the study is planned', () => {
    const def = parseStudyDefinition({ ...studyPreset('quick-separate'), trainer: { optimiser: { kind: 'adamw' } } });
    expect(() => planStudy(def)).toThrow(/trainer: \(top level\): unknown field 'optimiser'/);
  });
  it('a model whose head dimension is odd (RoPE) is refused when the study is planned', () => {
    expect(() => planStudy(parseStudyDefinition({ ...studyPreset('quick-separate'), models: ['L2-D48-H16'] }))).toThrow(/models\[0\]: .*head dimension .* must be even/);
  });
});
