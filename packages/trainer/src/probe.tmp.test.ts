import { it } from 'vitest';
import { useBackend } from '@difflm/test-utils';
import { createTransformer } from '@difflm/models';
import { createObjective } from '@difflm/noise';
import { arraySource, standInMaskedObjective } from '../test/tiny-model.js';
import { diffusionObjective } from './diffusion-objective.js';
import { evaluateHeldOut } from './evaluate.js';
import { train } from './train.js';

it('probe', async () => {
  await useBackend('wasm');
  const V = 32, N = 32;
  const ids = Int32Array.from({ length: 32768 }, (_, i) => (i * 3 + Math.floor(i / 97)) % 7);
  for (const [name, obj] of [['noempty', createObjective({ id: 'difflm/masked' }, { vocabSize: V, maskId: V - 1, padId: V - 2 }, { maxEmptyFraction: 0 })], ['noaug', createObjective({ id: 'difflm/masked' }, { vocabSize: V, maskId: V - 1, padId: V - 2 }, { maxEmptyFraction: 0, promptFraction: 0, pIndependent: 0 })], ['noaug-elbo', createObjective({ id: 'difflm/masked' }, { vocabSize: V, maskId: V - 1, padId: V - 2 }, { maxEmptyFraction: 0, promptFraction: 0, pIndependent: 0, lossWeighting: 'elbo' })]] as const) {
    for (const attn of [true]) {
      const model = createTransformer({ vocabSize: V, seqLen: N, dModel: 64, nLayers: 2, nHeads: 2 }, { seed: 1 });
      const wrapped = attn ? model : { ...model, shape: model.shape, params: model.params, flopsPerToken: () => model.flopsPerToken(), dispose: () => model.dispose(), apply: (t: any) => model.apply(t, null) };
      const objective = diffusionObjective(obj as any, { eval: { levels: 8 } });
      const el: number[] = [];
      await train({ model: wrapped as any, objective, data: arraySource(ids, 16, N), optimizer: { kind: 'laprop' }, schedule: { peakLr: 1, warmupSteps: 10 }, budget: { steps: 150 }, seed: 1, onStep: (m) => { el.push(m.elbo); } });
      const ev = evaluateHeldOut({ model, objective, source: arraySource(ids.subarray(16384), 16, N), batches: 2, seed: 3, bytesPerToken: 1 });
      console.log(name, 'attnMask', attn, 'train first/last', el.slice(0, 10).reduce((a, b) => a + b) / 10, el.slice(-10).reduce((a, b) => a + b) / 10, 'eval', ev.elbo, 'unigram', Math.log(7));
      model.dispose();
    }
  }
}, 600_000);
