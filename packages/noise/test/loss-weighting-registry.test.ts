// Loss weightings are values: the built-ins pass the kit as a third party's would, a third party's weighting trains
// through createObjective, and a broken one fails the kit.
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend, tf } from '@difflm/test-utils';
import { builtinLossWeightings, createLossWeightingRegistry, createObjective, createNoiseRegistry, createRng, createScheduleRegistry, defineLossWeighting, type LossWeightingContext } from '../src/index.js';
import { describeLossWeightingConformance, lossWeightingConformanceChecks } from '@difflm/noise/testing';

beforeAll(async () => { await useBackend('cpu'); });

for (const w of builtinLossWeightings) describeLossWeightingConformance(w, { describe, it });

/** A third party's weighting: the square root of the ELBO weight, capped. */
const sqrtElbo = defineLossWeighting({
  id: 'acme/sqrt-elbo',
  description: 'sqrt of the ELBO weight, capped at `cap`',
  parseOptions(raw: unknown): { cap: number } {
    const o = (raw ?? {}) as Record<string, unknown>;
    if (typeof o !== 'object' || Array.isArray(o)) throw new Error('acme/sqrt-elbo options must be an object');
    for (const k of Object.keys(o)) if (k !== 'cap') throw new Error(`acme/sqrt-elbo options: unknown option "${k}"`);
    const cap = o.cap ?? 10;
    if (typeof cap !== 'number' || !(cap > 0)) throw new Error('acme/sqrt-elbo options.cap must be a number > 0');
    return { cap };
  },
  create: ({ cap }: { cap: number }, _ctx: LossWeightingContext) => ({ id: 'acme/sqrt-elbo', weight: (t) => Math.min(cap, Math.sqrt(t.elboWeight)) }),
});
describeLossWeightingConformance(sqrtElbo, { describe, it }, { options: { cap: 4 } });

describe('loss weightings as values', () => {
  it('a third party\'s weighting trains through createObjective, and its options change the loss', () => {
    const tokens = { vocabSize: 12, maskId: 11, padId: 10 };
    const weightings = createLossWeightingRegistry([sqrtElbo]);
    const loss = (options: Record<string, unknown>): number => {
      const obj = createObjective({ id: 'difflm/masked' }, tokens, { promptFraction: 0, maxEmptyFraction: 0, ...options }, createNoiseRegistry(), createScheduleRegistry(), weightings);
      const x = tf.tensor2d(Int32Array.from({ length: 64 }, (_, i) => i % 10), [8, 8], 'int32');
      const batch = obj.corrupt(x, createRng(1));
      const logits = tf.randomNormal([8, 8, 12], 0, 1, 'float32', 2) as tf.Tensor3D;
      const l = obj.loss(logits, batch);
      const v = l.loss.dataSync()[0]!;
      tf.dispose([x, logits, l.loss, l.elbo, l.kl, l.is, l.numNoisy]);
      batch.dispose();
      return v;
    };
    const a = loss({ lossWeighting: 'acme/sqrt-elbo', lossWeightingOptions: { cap: 1 } });
    const b = loss({ lossWeighting: 'acme/sqrt-elbo', lossWeightingOptions: { cap: 100 } });
    const base = loss({});
    expect(Number.isFinite(a) && Number.isFinite(b)).toBe(true);
    expect(b).toBeGreaterThan(a);
    // Masked diffusion's unweighted-ELBO weight is 1 on every masked token, as is √(ELBO weight) capped at 1.
    expect(a).toBeCloseTo(base, 5);
    expect(b).not.toBeCloseTo(base, 3);
    expect(() => createObjective({ id: 'difflm/masked' }, tokens, { lossWeighting: 'acme/sqrt-elbo' })).toThrow(/unknown loss weighting "acme\/sqrt-elbo"/);
    expect(() => createLossWeightingRegistry([sqrtElbo, sqrtElbo])).toThrow(/loss-weighting id "acme\/sqrt-elbo" is registered twice/);
    expect(createLossWeightingRegistry([{ default: sqrtElbo }]).has('acme/sqrt-elbo')).toBe(true);
  });

  it('the kit fails a weighting that goes negative', () => {
    const negative = defineLossWeighting({ ...sqrtElbo, id: 'acme/negative', create: () => ({ id: 'acme/negative', weight: (t) => t.logSnr }) });
    const failed: string[] = [];
    for (const c of lossWeightingConformanceChecks(negative)) { try { c.run(); } catch (e) { failed.push(`${c.name}: ${(e as Error).message}`); } }
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed[0]).toMatch(/^weights every token finite and >= 0.*: weight -9 at λ = -9 .* must be finite and >= 0/);
  });
});
