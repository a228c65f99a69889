// The trainer-facing objective: corruption features, loss aggregation, gradients on cpu and wasm, leaks,
// determinism and error messages for bad inputs.
import { describe, expect, it } from 'vitest';
import { expectNoLeaks, tf, useBackend } from '@difflm/test-utils';
import { createObjective, createRng, sampleToken, type TokenSpace } from '../src/index.js';

const tokens: TokenSpace = { vocabSize: 16, maskId: 15, padId: 14 };
const cleanBatch = (B: number, N: number, seed = 1): tf.Tensor2D => { const r = createRng(seed); return tf.tensor2d(Int32Array.from({ length: B * N }, () => r.int(14)), [B, N], 'int32'); };

describe('corruption', () => {
  it('corruptAt keeps each token with probability σ(λ); stratified, every sequence keeps the same count', async () => {
    await useBackend('cpu');
    const N = 40, B = 200, lam = 0.4, keep = 1 / (1 + Math.exp(-lam));
    const x = cleanBatch(B, N);
    const counts = (stratified: boolean) => {
      const obj = createObjective({ id: 'difflm/masked' }, tokens, { stratified });
      const b = obj.corruptAt(x, lam, createRng(9));
      const zt = b.zt.dataSync(), x0 = b.x0.dataSync();
      b.dispose();
      return Array.from({ length: B }, (_, s) => { let k = 0; for (let j = 0; j < N; j++) if (zt[s * N + j] === x0[s * N + j]) k++; return k; });
    };
    for (const stratified of [false, true]) {
      const c = counts(stratified);
      const mean = c.reduce((a, v) => a + v, 0) / B;
      expect(Math.abs(mean / N - keep)).toBeLessThan(0.02); // marginal: kept with probability σ(λ)
      if (stratified) expect(Math.max(...c) - Math.min(...c)).toBeLessThanOrEqual(1);
      else expect(Math.max(...c) - Math.min(...c)).toBeGreaterThan(5); // binomial spread without stratification
    }
    x.dispose();
  });

  it('corruptAt draws every token exactly as sampleToken does, in the same order (its λ-level cache changes nothing)', async () => {
    await useBackend('cpu');
    const obj = createObjective({ id: 'difflm/hybrid', options: { preset: 'balanced' } }, tokens, { stratified: false });
    const [B, N] = [6, 20];
    const x = cleanBatch(B, N, 7);
    for (const lam of [-2.5, 0.3, 4]) {
      const b = obj.corruptAt(x, lam, createRng(11));
      const got = Array.from(b.zt.dataSync());
      b.dispose();
      const rng = createRng(11), coeff = new Float64Array(obj.process.bases.length), x0 = x.dataSync();
      const range = [obj.schedule.minLogSnr, obj.schedule.maxLogSnr] as const;
      const want = Array.from(x0, (v) => sampleToken(obj.process, v, lam, range, coeff, rng));
      expect(got).toEqual(want);
      expect(got.some((v, i) => v !== x0[i])).toBe(true); // some tokens were replaced
    }
    x.dispose();
  });

  it('is deterministic per seed and leaves no tensors behind', async () => {
    await useBackend('cpu');
    const obj = createObjective({ id: 'difflm/hybrid', options: { preset: 'balanced' } }, tokens);
    const x = cleanBatch(8, 32);
    const read = (seed: number) => { const b = obj.corrupt(x, createRng(seed)); const out = [b.x0, b.zt, b.logSnr, b.noiseMask].map((t) => Array.from(t.dataSync())); b.dispose(); return out; };
    await expectNoLeaks(() => { read(3); });
    expect(read(3)).toEqual(read(3));
    expect(read(3)).not.toEqual(read(4));
    x.dispose();
  });

  it('prompt conditioning: clean prefixes with λ = 10, noiseMask 0, and the attention rule noisy(q) >= noisy(k)', async () => {
    await useBackend('cpu');
    const obj = createObjective({ id: 'difflm/masked' }, tokens, { promptFraction: 1, maxEmptyFraction: 0 });
    const x = cleanBatch(16, 20);
    const b = obj.corrupt(x, createRng(5));
    const [x0, zt, ls, nm] = [b.x0.dataSync(), b.zt.dataSync(), b.logSnr.dataSync(), b.noiseMask.dataSync()];
    const att = b.attentionMask!.dataSync();
    let prompts = 0;
    for (let s = 0; s < 16; s++) {
      let seenNoisy = false;
      for (let j = 0; j < 20; j++) {
        const i = s * 20 + j;
        if (nm[i] === 0) { expect(seenNoisy).toBe(false); expect(zt[i]).toBe(x0[i]); expect(ls[i]).toBe(10); prompts++; } else seenNoisy = true;
        for (let k = 0; k < 20; k++) expect(att[i * 20 + k]).toBe(nm[i]! >= nm[s * 20 + k]! ? 1 : 0);
      }
      expect(nm[s * 20]).toBe(0); // every sequence got a prompt (fraction 1): position 0 is always clean
    }
    expect(prompts).toBeGreaterThan(16);
    b.dispose(); x.dispose();
  });

  it('switches: promptFraction 0 gives no prompt and no attention mask; pIndependent 0/1 gives shared/per-token λ', async () => {
    await useBackend('cpu');
    const x = cleanBatch(6, 24);
    const shared = createObjective({ id: 'difflm/masked' }, tokens, { promptFraction: 0, pIndependent: 0, maxEmptyFraction: 0 }).corrupt(x, createRng(1));
    expect(shared.attentionMask).toBeNull();
    expect(Array.from(shared.noiseMask.dataSync()).every((v) => v === 1)).toBe(true);
    const ls = shared.logSnr.arraySync();
    for (const row of ls) expect(new Set(row).size).toBe(1);
    const indep = createObjective({ id: 'difflm/masked' }, tokens, { promptFraction: 0, pIndependent: 1, maxEmptyFraction: 0 }).corrupt(x, createRng(1));
    for (const row of indep.logSnr.arraySync()) { expect(new Set(row).size).toBeGreaterThan(20); expect(Math.min(...row)).toBeGreaterThanOrEqual(-9); expect(Math.max(...row)).toBeLessThanOrEqual(9); }
    shared.dispose(); indep.dispose(); x.dispose();
  });

  it('per-token λ is not tied to position: stratified draws are shuffled, not a ramp along the sequence', async () => {
    await useBackend('cpu');
    const [B, N] = [32, 32];
    const x = cleanBatch(B, N);
    const b = createObjective({ id: 'difflm/masked' }, tokens, { promptFraction: 0, pIndependent: 1, maxEmptyFraction: 0 }).corrupt(x, createRng(2));
    let ascents = 0, covered = 0;
    for (const row of b.logSnr.arraySync()) {
      for (let j = 0; j + 1 < N; j++) if (row[j + 1]! > row[j]!) ascents++;
      // still low-discrepancy: t = 1 − σ(λ) puts one draw in each of the N strata
      covered += new Set(row.map((l) => Math.min(N - 1, Math.floor(N / (1 + Math.exp(l)))))).size;
    }
    // A ramp (u_j = (j/N + U) mod 1) rises along the row except at one wrap: ≤ 1 ascent of λ per row.
    // Exchangeable positions give (N − 1)/2 ascents per row on average.
    expect(ascents / (B * (N - 1))).toBeGreaterThan(0.4);
    expect(ascents / (B * (N - 1))).toBeLessThan(0.6);
    expect(covered / B).toBeGreaterThan(N - 2);
    b.dispose(); x.dispose();
  });

  it('empty-token insertion puts up to ~20% PAD tokens into x0 and keeps the order of the rest', async () => {
    await useBackend('cpu');
    const N = 200;
    const x = tf.tensor2d(Int32Array.from({ length: 4 * N }, (_, i) => i % 13), [4, N], 'int32');
    const b = createObjective({ id: 'difflm/masked' }, tokens, { promptFraction: 0 }).corrupt(x, createRng(9));
    const x0 = b.x0.arraySync();
    let total = 0;
    x0.forEach((row, r) => {
      const pads = row.filter((v) => v === 14).length;
      total += pads;
      expect(pads / N).toBeLessThan(0.3);
      expect(row.filter((v) => v !== 14)).toEqual(Array.from({ length: N - pads }, (_, i) => (r * N + i) % 13));
    });
    expect(total).toBeGreaterThan(0);
    b.dispose(); x.dispose();
  });
});

describe('loss', () => {
  const gradCases = [
    ['cpu', { id: 'difflm/hybrid', options: { preset: 'low-uniform' } }, {}],
    ['wasm', { id: 'difflm/hybrid', options: { preset: 'low-uniform' } }, {}],
    ['wasm', { id: 'difflm/masked' }, { aggregation: 'mean' }],
    ['cpu', { id: 'difflm/gidd', options: { pUniform: 0.2 } }, { betaIS: 0.5 }],
  ] as const;
  for (const [backend, spec, extra] of gradCases) {
    it(`${spec.id} is differentiable w.r.t. logits on ${backend} (finite-difference check) and leak-free`, async () => {
      await useBackend(backend);
      const obj = createObjective(spec, tokens, { promptFraction: 0.5, ...extra });
      const x = cleanBatch(2, 5);
      const batch = obj.corrupt(x, createRng(2));
      const r = createRng(3);
      const data = Float32Array.from({ length: 2 * 5 * 16 }, () => r.normal());
      const logits = tf.tensor3d(data, [2, 5, 16]);
      const f = (l: tf.Tensor): tf.Scalar => obj.loss(l as tf.Tensor3D, batch).loss;
      await expectNoLeaks(() => { tf.grad(f)(logits).dispose(); });
      const grad = tf.grad(f)(logits);
      const g = grad.dataSync();
      expect(g.every(Number.isFinite)).toBe(true);
      const lossAt = (d: Float32Array): number => tf.tidy(() => f(tf.tensor3d(d, [2, 5, 16])).dataSync()[0]!);
      for (const idx of [0, 7, 33, 80, 150]) {
        const h = 1e-2, up = data.slice(), dn = data.slice();
        up[idx]! += h; dn[idx]! -= h;
        const fd = (lossAt(up) - lossAt(dn)) / (2 * h);
        expect(Math.abs(g[idx]! - fd)).toBeLessThan(2e-2 * Math.max(1, Math.abs(fd)));
      }
      tf.dispose([grad, logits, x]); batch.dispose();
    });
  }

  it('aggregates: sum = mean × noisy tokens; metrics are per noisy token; masked ELBO is MDLM’s −log x̂_x / t', async () => {
    await useBackend('cpu');
    const x = cleanBatch(4, 8);
    const logits = tf.randomNormal([4, 8, 16], 0, 1, 'float32', 7) as tf.Tensor3D;
    const sum = createObjective({ id: 'difflm/masked' }, tokens, { promptFraction: 0.5, aggregation: 'sum' });
    const mean = createObjective({ id: 'difflm/masked' }, tokens, { promptFraction: 0.5, aggregation: 'mean' });
    const batch = sum.corrupt(x, createRng(11));
    const a = sum.loss(logits, batch), b = mean.loss(logits, batch);
    const n = a.numNoisy.dataSync()[0]!;
    expect(n).toBe(batch.noiseMask.sum().dataSync()[0]);
    expect(a.loss.dataSync()[0]).toBeCloseTo(b.loss.dataSync()[0]! * n, 3);
    // MDLM: per masked token elbo = −log x̂_x / t with t = σ(−λ) (SPEC §1.3)
    const [x0, zt, ls, nm] = [batch.x0.dataSync(), batch.zt.dataSync(), batch.logSnr.dataSync(), batch.noiseMask.dataSync()];
    const lp = tf.logSoftmax(logits.add(tf.oneHot(tf.fill([4, 8], 15, 'int32'), 16, 1, 0, 'int32').cast('float32').mul(-1e6))).dataSync();
    let expected = 0;
    for (let i = 0; i < 32; i++) if (nm[i] && zt[i] === 15) expected += -lp[i * 16 + x0[i]!]! / (1 / (1 + Math.exp(ls[i]!)));
    expect(a.elbo.dataSync()[0]).toBeCloseTo(expected / n, 3);
    tf.dispose([logits, x, a.loss, a.elbo, a.kl, a.is, a.numNoisy, b.loss, b.elbo, b.kl, b.is, b.numNoisy]); batch.dispose();
  });

  it('confidently wrong masked tokens: loss = σ(λ)·(−log x̂_x) and dloss/dlogits = σ(λ)·(x̂ − onehot(x)) in float32', async () => {
    await useBackend('cpu');
    // x̂_x ≈ 4e−7, 1e−10, 6e−15: q_λ(x̂)_x = σ(λ)·x̂_x must not be formed as q_x + (p_x − q_x), which cancels in float32
    const gaps = [12, 20, 30], lam = [0, 1.5, -2];
    const obj = createObjective({ id: 'difflm/masked' }, tokens, { promptFraction: 0, maxEmptyFraction: 0, pIndependent: 0 });
    const x0 = [1, 2, 3];
    const lg = new Float32Array(3 * 16);
    x0.forEach((x, i) => { lg[i * 16 + x] = -gaps[i]!; });
    const batch = { x0: tf.tensor2d(x0, [1, 3], 'int32'), zt: tf.tensor2d([15, 15, 15], [1, 3], 'int32'), logSnr: tf.tensor2d(lam, [1, 3]), noiseMask: tf.ones([1, 3]) as tf.Tensor2D, attentionMask: null, dispose() {} };
    const logits = tf.tensor3d(lg, [1, 3, 16]);
    const loss = obj.tokenTerms(logits, batch).loss.dataSync();
    const grad = tf.grad((l: tf.Tensor) => obj.loss(l as tf.Tensor3D, batch).loss)(logits).dataSync();
    for (let i = 0; i < 3; i++) {
      const a = 1 / (1 + Math.exp(-lam[i]!));
      const z = 14 + Math.exp(-gaps[i]!); // Σ_v exp(logit_v) over the 15 non-mask tokens
      expect(loss[i]! / (a * (gaps[i]! + Math.log(z)))).toBeCloseTo(1, 5);
      for (let v = 0; v < 15; v++) {
        const xh = (v === x0[i] ? Math.exp(-gaps[i]!) : 1) / z;
        expect(grad[i * 16 + v]!).toBeCloseTo(a * (xh - (v === x0[i] ? 1 : 0)), 5);
      }
    }
    tf.dispose([logits, batch.x0, batch.zt, batch.logSnr, batch.noiseMask]);
  });

  it('works at V = 32768 (finite loss and gradient)', async () => {
    await useBackend('wasm');
    const big: TokenSpace = { vocabSize: 32768, maskId: 32767, padId: 0 };
    const obj = createObjective({ id: 'difflm/hybrid', options: { preset: 'balanced' } }, big);
    const r = createRng(4);
    const x = tf.tensor2d(Int32Array.from({ length: 2 * 4 }, () => 1 + r.int(32000)), [2, 4], 'int32');
    const batch = obj.corrupt(x, r);
    const logits = tf.randomNormal([2, 4, 32768], 0, 1, 'float32', 1) as tf.Tensor3D;
    const { value, grad: g } = tf.valueAndGrad((l: tf.Tensor) => obj.loss(l as tf.Tensor3D, batch).loss)(logits);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    expect(g.dataSync().every(Number.isFinite)).toBe(true);
    tf.dispose([x, logits, value, g]); batch.dispose();
  });
});

describe('bad inputs name the problem', () => {
  it('masked process without a mask token', () => {
    expect(() => createObjective({ id: 'difflm/masked' }, { vocabSize: 8, maskId: null, padId: null })).toThrow(/mask token.*maskId is null/);
    expect(() => createObjective({ id: 'difflm/hybrid' }, { vocabSize: 8, maskId: null, padId: null })).toThrow(/difflm\/hybrid needs a mask token/);
  });
  it('inverted λ range', () => {
    expect(() => createObjective({ id: 'difflm/masked' }, tokens, { minLogSnr: 9, maxLogSnr: -9 })).toThrow(/inverted λ range/);
  });
  it('NaN logits', async () => {
    await useBackend('cpu');
    const obj = createObjective({ id: 'difflm/masked' }, tokens, { promptFraction: 0 });
    const x = cleanBatch(1, 4);
    const batch = obj.corrupt(x, createRng(1));
    const logits = tf.fill([1, 4, 16], NaN) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    expect(() => obj.loss(logits, batch)).toThrow(/logits contain NaN/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, logits]); batch.dispose();
  });
  it('unknown noise id lists the known ids', () => {
    expect(() => createObjective({ id: 'acme/nope' }, tokens)).toThrow(/unknown noise id "acme\/nope"; known ids: difflm\/gidd, difflm\/hybrid, difflm\/masked, difflm\/uniform/);
  });
  it('isNoiseObjective tells a built objective from another DiffusionObjective without a cast', async () => {
    const { isNoiseObjective } = await import('../src/index.js');
    const built = createObjective({ id: 'difflm/masked' }, tokens);
    expect(isNoiseObjective(built)).toBe(true);
    const port = { spec: built.spec, tokens: built.tokens, corrupt: built.corrupt, corruptAt: built.corruptAt, loss: built.loss };
    expect(isNoiseObjective(port)).toBe(false);
  });
  it('options of the wrong type name the field', () => {
    expect(() => createObjective({ id: 'difflm/masked' }, tokens, { pIndependent: '0.5' as unknown as number })).toThrow(/objective options\.pIndependent must be a number/);
    expect(() => createObjective({ id: 'difflm/masked' }, tokens, { aggregation: 'avg' as 'sum' })).toThrow(/aggregation must be one of "sum", "mean"/);
    expect(() => createObjective({ id: 'difflm/hybrid', options: { b: 'big' } }, tokens)).toThrow(/difflm\/hybrid options\.b must be a number/);
    expect(() => createObjective({ id: 'difflm/gidd', options: { pUniform: 2 } }, tokens)).toThrow(/pUniform must be in \[0, 1\)/);
    expect(() => createObjective({ id: 'difflm/masked' }, tokens, { promptFracton: 0.2 } as never)).toThrow(/unknown option "promptFracton"/);
    expect(() => createObjective({ id: 'difflm/uniform' }, tokens, { lossWeighting: 'dynamic' })).toThrow(/^objective options\.lossWeighting \(difflm\/dynamic\): needs a process with a dynamic weight; "difflm\/(hybrid|uniform)" has none/);
    expect(() => createObjective({ id: 'difflm/masked' }, tokens, { lossWeighting: 'acme/sqrt' })).toThrow(/^objective options\.lossWeighting: unknown loss weighting "acme\/sqrt"; known: difflm\/clip, difflm\/dynamic, difflm\/elbo, difflm\/unweighted-elbo/);
    expect(() => createObjective({ id: 'difflm/masked' }, tokens, { lossWeighting: 'clip', lossWeightingOptions: { lo: 1 } })).toThrow(/^objective options\.lossWeightingOptions \(difflm\/clip\): .*unknown option "lo"/);
  });
});
