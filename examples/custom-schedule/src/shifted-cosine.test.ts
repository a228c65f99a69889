// The plug-in passes difflm's schedule conformance kit, and an objective built through the public API samples λ
// from it; nothing in difflm names it.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createNoiseRegistry, createObjective, createRng, createScheduleRegistry, type ScheduleId } from '@difflm/noise';
import { describeScheduleConformance } from '@difflm/noise/testing';
import shiftedCosine from './index.js';

beforeAll(async () => { await tf.setBackend('cpu'); });

describeScheduleConformance(shiftedCosine, { describe, it });
describeScheduleConformance(shiftedCosine, { describe, it }, { options: { shift: -2 } });
describeScheduleConformance(shiftedCosine, { describe, it }, { options: { shift: 3 }, range: { minLogSnr: -6, maxLogSnr: 6 } });

describe('acme/shifted-cosine in an objective', () => {
  it('moves the sampled λ by the shift', () => {
    const id: ScheduleId = 'acme/shifted-cosine'; // typed by the module augmentation in shifted-cosine.ts
    const tokens = { vocabSize: 12, maskId: 11, padId: 10 };
    const mean = (shift: number): number => {
      const obj = createObjective({ id: 'difflm/masked' }, tokens, { schedule: id, scheduleOptions: { shift }, pIndependent: 0, promptFraction: 0, maxEmptyFraction: 0 }, createNoiseRegistry(), createScheduleRegistry([shiftedCosine]));
      const x = tf.zeros([256, 4], 'int32') as tf.Tensor2D;
      const batch = obj.corrupt(x, createRng(7));
      const m = tf.mean(batch.logSnr).dataSync()[0]!;
      tf.dispose(x);
      batch.dispose();
      return m;
    };
    expect(mean(-2) - mean(0)).toBeLessThan(-1.5);
    expect(mean(2) - mean(0)).toBeGreaterThan(1.5);
  });

  it('refuses bad options with one line naming the field', () => {
    expect(() => shiftedCosine.parseOptions({ shift: 'big' })).toThrow(/^acme\/shifted-cosine options\.shift must be a number, got "big"$/);
    expect(() => shiftedCosine.parseOptions({ shfit: 1 })).toThrow(/unknown option "shfit"/);
  });
});
