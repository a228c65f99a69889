// Property tests (fast-check) of the contract math on random processes, λ, tokens and logits.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ancestralPosterior, createNoiseRegistry, denoisedProbs, klAndIs, linearSchedule, marginalVector, mixingAt, posteriorStep,
  tokenWeights, type NoiseProcess, type TokenSpace, type WeightSettings,
} from '../src/index.js';

const registry = createNoiseRegistry();
const tokens: TokenSpace = { vocabSize: 7, maskId: 6, padId: null };
const V = 7;
const settings: WeightSettings = { schedule: linearSchedule(), weighting: 'unweighted-elbo', lossWeightClip: 1e3, elboWeightClip: 1e6, lossWeightRange: [0, 2], denominatorFloor: 0 };

const processArb: fc.Arbitrary<NoiseProcess> = fc.oneof(
  fc.record({ a: fc.double({ min: 0.25, max: 2, noNaN: true }), b: fc.double({ min: -6, max: 6, noNaN: true }) }).map((o) => registry.create({ id: 'difflm/hybrid', options: o }, tokens)),
  fc.constantFrom('masked', 'low-uniform', 'balanced', 'high-uniform', 'uniform').map((preset) => registry.create({ id: 'difflm/hybrid', options: { preset } }, tokens)),
  fc.double({ min: 0, max: 0.6, noNaN: true }).map((pUniform) => registry.create({ id: 'difflm/gidd', options: { pUniform } }, tokens)),
  fc.constantFrom('difflm/masked', 'difflm/uniform').map((id) => registry.create({ id }, tokens)),
);
const lambdaArb = fc.double({ min: -9, max: 9, noNaN: true });
const logitsArb = fc.array(fc.double({ min: -8, max: 8, noNaN: true }), { minLength: V, maxLength: V });
const tokenArb = fc.integer({ min: 0, max: V - 2 });

describe('properties', () => {
  it('coefficients sum to 1; derivatives sum to 0 and match finite differences', () => {
    fc.assert(fc.property(processArb, lambdaArb, (p, l) => {
      const { c, dc } = mixingAt(p, l);
      expect(c.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(Math.abs(dc.reduce((a, b) => a + b, 0))).toBeLessThan(1e-12);
      const h = 1e-5, up = mixingAt(p, l + h).c, dn = mixingAt(p, l - h).c;
      dc.forEach((d, k) => expect(Math.abs(d - (up[k]! - dn[k]!) / (2 * h))).toBeLessThan(1e-6 + 1e-4 * Math.abs(d)));
    }), { numRuns: 300 });
  });

  it('marginals and ancestral posteriors are distributions', () => {
    fc.assert(fc.property(processArb, lambdaArb, lambdaArb, tokenArb, logitsArb, (p, l1, l2, x, logits) => {
      const [lt, ls] = l1 < l2 ? [l1, l2] : [l2, l1];
      const q = marginalVector(p, lt, x, [-9, 9]);
      expect(q.every((v) => v >= 0)).toBe(true);
      expect(q.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      const step = posteriorStep(p, lt, ls, [-9, 9]);
      const xhat = denoisedProbs(logits, 6);
      for (let z = 0; z < V; z++) {
        if (!(q[z]! > 0)) continue;
        const post = ancestralPosterior(step, xhat, z, new Float64Array(V));
        expect(post.every((v) => v >= 0)).toBe(true);
        expect(post.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
      }
    }), { numRuns: 200 });
  });

  it('the ELBO is >= 0 per token', () => {
    fc.assert(fc.property(processArb, lambdaArb, tokenArb, fc.integer({ min: 0, max: V - 1 }), logitsArb, (p, l, x, zRaw, logits) => {
      const q = marginalVector(p, l, x, [-9, 9]);
      const z = q[zRaw]! > 0 ? zRaw : x;
      const w = tokenWeights(p, settings, l, x, z, 6);
      // ε = 0: [E]'s IS-ratio ε (1e−12) alone can push D_IS to −ε/p (fixtures README D3); the math has D_IS >= 0.
      const { kl, is } = klAndIs(p, l, logits, x, z, 6, [-9, 9], 0);
      expect(kl).toBeGreaterThanOrEqual(-1e-12);
      expect(is).toBeGreaterThanOrEqual(-1e-12);
      expect(w.elbo).toBeGreaterThanOrEqual(0);
      expect(w.elbo * (kl + is)).toBeGreaterThanOrEqual(-1e-9);
    }), { numRuns: 300 });
  });

  it('as b → −∞ the hybrid loss equals the masked (MDLM) loss', () => {
    const masked = registry.create({ id: 'difflm/masked' }, tokens);
    fc.assert(fc.property(lambdaArb, tokenArb, fc.boolean(), logitsArb, (l, x, isMask, logits) => {
      const z = isMask ? 6 : x;
      const elboOf = (p: NoiseProcess): number => { const k = klAndIs(p, l, logits, x, z, 6, [-9, 9]); return tokenWeights(p, settings, l, x, z, 6).elbo * (k.kl + k.is); };
      const target = elboOf(masked);
      const gap = (b: number): number => Math.abs(elboOf(registry.create({ id: 'difflm/hybrid', options: { b } }, tokens)) - target);
      expect(gap(-60)).toBeLessThanOrEqual(1e-9 * Math.max(1, target));
      expect(gap(-60)).toBeLessThanOrEqual(gap(-15) + 1e-12);
    }), { numRuns: 200 });
  });

  it('a masked posterior never changes a clean token', () => {
    const masked = registry.create({ id: 'difflm/masked' }, tokens);
    fc.assert(fc.property(lambdaArb, lambdaArb, tokenArb, logitsArb, (l1, l2, z, logits) => {
      const [lt, ls] = l1 < l2 ? [l1, l2] : [l2, l1];
      const post = ancestralPosterior(posteriorStep(masked, lt, ls, [-9, 9]), denoisedProbs(logits, 6), z, new Float64Array(V));
      expect(post[z]).toBe(1);
    }), { numRuns: 200 });
  });
});
