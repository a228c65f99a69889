// Optimizers are values: the built-ins pass the kit a third party's optimizer passes, and a plug-in written only
// against the public API trains through createTrainer when its registry is given.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@difflm/test-utils';
import { describeOptimizerConformance, optimizerConformanceChecks } from '@difflm/trainer/testing';
import {
  adamwOptimizerType, createOptimizerRegistry, createTrainer, defineOptimizer, diffusionObjective, lapropOptimizerType,
  type Optimizer, type OptimizerHyper,
} from '../src/index.js';
import { parseTrainRunConfig } from '../src/node/index.js';
import { arraySource, patternedTokens, standInMaskedObjective, tinyModel } from './tiny-model.js';

beforeAll(async () => { await useBackend('cpu'); });

describeOptimizerConformance(lapropOptimizerType, { describe, it });
describeOptimizerConformance(adamwOptimizerType, { describe, it });

/** Heavy-ball SGD with momentum `mu`, written as a third party would (moments held in plain tensors). */
const momentumSgd = defineOptimizer({
  id: 'acme/momentum-sgd',
  description: 'SGD with heavy-ball momentum (option mu, default 0.9).',
  parseOptions(raw: unknown): { mu: number } {
    if (raw === undefined) return { mu: 0.9 };
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('acme/momentum-sgd options must be an object');
    const mu = (raw as { mu?: unknown }).mu ?? 0.9;
    if (typeof mu !== 'number' || !(mu >= 0 && mu < 1)) throw new Error(`acme/momentum-sgd options.mu must be in [0, 1), got ${JSON.stringify(mu)}`);
    return { mu };
  },
  create(hyper: OptimizerHyper, { mu }: { mu: number }): Optimizer {
    const moments = new Map<string, tf.Tensor>();
    let step = 0;
    return {
      kind: 'momentum-sgd', hyper,
      get step() { return step; },
      update(params, grads, groups) {
        step += 1;
        for (const p of params) {
          const g = grads[p.variable.name];
          if (!g) continue;
          const prev = moments.get(p.name);
          const m = tf.keep(prev ? tf.tidy(() => tf.add(tf.mul(prev, mu), g)) : tf.clone(g));
          prev?.dispose();
          moments.set(p.name, m);
          const { lr } = groups[p.group];
          tf.tidy(() => { p.variable.assign(tf.sub(p.variable, tf.mul(m, lr))); });
        }
      },
      getState() {
        const slots: Record<string, Record<string, { shape: number[]; values: Float32Array }>> = {};
        for (const [name, m] of moments) slots[name] = { m: { shape: [...m.shape], values: Float32Array.from(m.dataSync()) } };
        return { kind: 'momentum-sgd', step, slots };
      },
      setState(state) {
        for (const m of moments.values()) m.dispose();
        moments.clear();
        for (const [name, bySlot] of Object.entries(state.slots)) moments.set(name, tf.keep(tf.tensor(bySlot.m!.values, bySlot.m!.shape)));
        step = state.step;
      },
      dispose() { for (const m of moments.values()) m.dispose(); moments.clear(); },
    };
  },
});
describeOptimizerConformance(momentumSgd, { describe, it }, { options: { mu: 0.5 } });

describe('the optimizer registry', () => {
  it('resolves bare names and ids; an unknown kind names the known ones and the way to add one', () => {
    const reg = createOptimizerRegistry([momentumSgd]);
    expect(reg.ids()).toEqual(['acme/momentum-sgd', 'difflm/adamw', 'difflm/laprop']);
    expect(reg.get('laprop').id).toBe('difflm/laprop');
    expect(() => createOptimizerRegistry().get('acme/momentum-sgd')).toThrow(/optimizer\.kind: unknown optimizer "acme\/momentum-sgd"; known: difflm\/adamw, difflm\/laprop .*--plugins/);
    expect(() => reg.create('acme/momentum-sgd', { beta1: 0.9, beta2: 0.99, epsilon: 1e-8 }, { mu: 2 })).toThrow(/optimizer\.options \(acme\/momentum-sgd\): .*mu must be in \[0, 1\)/);
    expect(() => createOptimizerRegistry().create('adamw', { beta1: 0.9, beta2: 0.99, epsilon: 1e-8 }, { lr: 1 })).toThrow(/difflm\/adamw: unknown option "lr"/);
    // A module list mixing kinds: the optimizer registry takes its own.
    expect(createOptimizerRegistry([{ default: momentumSgd }, { default: { kind: 'difflm/noise-plugin', id: 'acme/x' } }]).has('acme/momentum-sgd')).toBe(true);
  });

  it('a run config names any optimizer id; createTrainer trains with the plug-in from its registry', async () => {
    expect(parseTrainRunConfig({ model: {}, objective: { kind: 'autoregressive' }, budget: { steps: 1 }, batchSize: 1, seqLen: 4, data: { dir: 'x' }, optimizer: { kind: 'acme/momentum-sgd', options: { mu: 0.5 } } }).optimizer)
      .toMatchObject({ kind: 'acme/momentum-sgd', options: { mu: 0.5 } });
    expect(() => parseTrainRunConfig({ model: {}, objective: { kind: 'autoregressive' }, budget: { steps: 1 }, batchSize: 1, seqLen: 4, data: { dir: 'x' }, optimizer: { kind: 'bad id!' } })).toThrow(/optimizer\.kind: must be an optimizer id/);
    const V = 12, N = 8;
    const model = tinyModel({ vocabSize: V, dModel: 8, seqLen: N, seed: 1 });
    const t = createTrainer({
      model, objective: diffusionObjective(standInMaskedObjective(V)), data: arraySource(patternedTokens(4096, V, 7), 4, N),
      optimizer: { kind: 'acme/momentum-sgd', options: { mu: 0.5 } }, optimizers: createOptimizerRegistry([momentumSgd]),
      schedule: { peakLr: 0.5, warmupSteps: 2 }, budget: { steps: 4 }, seed: 3,
    });
    const first = await t.trainStep();
    for (let i = 0; i < 3; i++) await t.trainStep();
    expect(t.optimizer.kind).toBe('momentum-sgd');
    expect(t.optimizer.step).toBe(4);
    expect(Number.isFinite(first.loss)).toBe(true);
    t.dispose();
    expect(() => createTrainer({
      model, objective: diffusionObjective(standInMaskedObjective(V)), data: arraySource(patternedTokens(4096, V, 7), 4, N),
      optimizer: { kind: 'acme/momentum-sgd' }, schedule: { peakLr: 0.5, warmupSteps: 2 }, budget: { steps: 4 }, seed: 3,
    })).toThrow(/unknown optimizer "acme\/momentum-sgd"/);
  });

  it('the kit fails an optimizer whose restored state does not continue the run', () => {
    const forgetful = defineOptimizer({ ...momentumSgd, id: 'acme/forgetful', create: (h: OptimizerHyper, o: { mu: number }) => ({ ...momentumSgd.create(h, o), setState() {} }) });
    const failed: string[] = [];
    for (const c of optimizerConformanceChecks(forgetful)) { try { c.run(); } catch { failed.push(c.name); } }
    expect(failed).toContain('a restored state continues exactly as the original (checkpoints)');
  });
});
