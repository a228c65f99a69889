// Monte-Carlo check of the ELBO estimator: corrupt → loss (the real pipeline, N = 1) against the exact
// expectation computed by enumeration over z and Simpson quadrature over λ, for a fixed toy denoiser.
import { describe, expect, it } from 'vitest';
import { tf, useBackend } from '@difflm/test-utils';
import { createObjective, createRng, giddWeight, klAndIs, marginalVector, timeRange, type NoiseObjective, type TokenSpace } from '../src/index.js';

const tokens: TokenSpace = { vocabSize: 5, maskId: 4, padId: null };
const V = 5, X = 2;
/** A fixed toy denoiser: logits depend on z_t only (N = 1). */
const toyTable = [[0.3, -0.2, 1.1, 0.1, 0], [0.5, 0.4, -0.3, 0.2, 0], [-0.4, 0.1, 1.6, -0.6, 0], [0.2, 0.3, 0.8, 0.9, 0], [0.1, -0.5, 0.9, 0.4, 0]];
const perfect = (margin: number): number[][] => toyTable.map(() => [0, 1, 2, 3, 4].map((v) => (v === X ? margin : 0)));

/** Exact E[estimator] = (1/(t_max − t_min))·∫ Σ_z q_λ(z|x)·w_λ(z)·(KL + IS) dλ over [−9, 9] (Simpson). */
function exactElbo(obj: NoiseObjective, table: number[][]): number {
  const [lo, hi] = [obj.schedule.minLogSnr, obj.schedule.maxLogSnr];
  const [tMin, tMax] = timeRange(obj.schedule);
  const n = 4000, h = (hi - lo) / n;
  let acc = 0;
  for (let i = 0; i <= n; i++) {
    const l = lo + i * h;
    const q = marginalVector(obj.process, l, X, [lo, hi]);
    let f = 0;
    for (let z = 0; z < V; z++) {
      if (!(q[z]! > 0)) continue;
      const { kl, is } = klAndIs(obj.process, l, table[z]!, X, z, tokens.maskId, [lo, hi]);
      f += q[z]! * giddWeight(obj.process, l, X, z) * (kl + is);
    }
    acc += f * (i === 0 || i === n ? 1 : i % 2 ? 4 : 2);
  }
  return (acc * h) / 3 / (tMax - tMin);
}

/** Per-sample ELBO values from the real pipeline: corrupt n copies of x, score the toy logits. */
function sampleElbos(obj: NoiseObjective, table: number[][], n: number, seed: number): Float32Array {
  const x = tf.fill([n, 1], X, 'int32') as tf.Tensor2D;
  const batch = obj.corrupt(x, createRng(seed));
  const zt = batch.zt.dataSync();
  const logits = tf.tensor3d(Float32Array.from(Array.from(zt).flatMap((z) => table[z]!)), [n, 1, V]);
  const terms = obj.tokenTerms(logits, batch);
  const out = terms.elbo.dataSync() as Float32Array;
  tf.dispose([x, logits, terms.loss, terms.elbo, terms.kl, terms.is]); batch.dispose();
  return out;
}

const stats = (v: Float32Array): { mean: number; se: number } => {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const varr = v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1);
  return { mean, se: Math.sqrt(varr / v.length) };
};

describe('Monte-Carlo ELBO', () => {
  for (const spec of [{ id: 'difflm/hybrid', options: { preset: 'balanced' } }, { id: 'difflm/masked' }] as const) {
    it(`${spec.id}: the estimator converges to the exact ELBO within its standard error`, async () => {
      await useBackend('cpu');
      const obj = createObjective(spec, tokens, { promptFraction: 0, maxEmptyFraction: 0, stratified: false });
      const exact = exactElbo(obj, toyTable);
      expect(exact).toBeGreaterThan(0.1);
      const ses: number[] = [];
      for (const [n, seed] of [[500, 1], [2000, 2], [8000, 3]] as const) {
        const { mean, se } = stats(sampleElbos(obj, toyTable, n, seed));
        expect(Math.abs(mean - exact)).toBeLessThan(4 * se);
        ses.push(se);
      }
      expect(ses[2]!).toBeLessThan(ses[0]! / 2.5); // ~1/√n: 16× the samples, ~4× smaller error
    });
  }

  it('a perfect denoiser has ELBO → 0', async () => {
    await useBackend('cpu');
    const obj = createObjective({ id: 'difflm/hybrid', options: { preset: 'balanced' } }, tokens, { promptFraction: 0, maxEmptyFraction: 0 });
    const exact = [4, 8, 16].map((m) => exactElbo(obj, perfect(m)));
    expect(exact[1]!).toBeLessThan(exact[0]!);
    expect(exact[2]!).toBeLessThan(exact[1]!);
    expect(exact[2]!).toBeLessThan(1e-4);
    expect(stats(sampleElbos(obj, perfect(16), 2000, 5)).mean).toBeLessThan(1e-4);
  });
});
