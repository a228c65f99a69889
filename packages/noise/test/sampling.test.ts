// Samplers: correctness with an oracle denoiser, prompts, blocks, truncation, determinism, leaks, errors.
import { describe, expect, it } from 'vitest';
import { tf, useBackend } from '@difflm/test-utils';
import { cosineSchedule, createObjective, createRng, createScheduleRegistry, defineSchedule, denoiserProbs, generate, logSnrGrid, type GenerateOptions, type TokenSpace } from '../src/index.js';

const tokens: TokenSpace = { vocabSize: 12, maskId: 11, padId: null };
const V = 12, N = 16;
const target = Int32Array.from({ length: N }, (_, j) => (3 * j + 1) % 11);

/** An oracle denoiser that puts `margin` on the target token at every position; counts calls and checks the mask. */
function oracle(margin = 12) {
  const calls: { attention: number[][][] | null }[] = [];
  const denoise = (zt: tf.Tensor2D, attention: tf.Tensor3D | null): tf.Tensor3D => {
    calls.push({ attention: attention ? attention.arraySync() : null });
    const [B] = zt.shape;
    return tf.tidy(() => tf.tensor3d(Float32Array.from({ length: B * N * V }, (_, i) => ((i % V) === target[Math.floor(i / V) % N] ? margin : 0)), [B, N, V]));
  };
  return { denoise, calls };
}

const base = (over: Partial<GenerateOptions>): GenerateOptions => ({
  spec: { id: 'difflm/masked' }, tokens, denoise: oracle().denoise, batchSize: 3, seqLen: N, steps: 16, sampler: 'ancestral', grid: 'cosine', rng: createRng(1), ...over,
});

describe('generate', () => {
  it('ancestral sampling with an oracle recovers the target for masked, hybrid and uniform noise, without leaks', async () => {
    await useBackend('cpu');
    for (const spec of [{ id: 'difflm/masked' }, { id: 'difflm/hybrid', options: { preset: 'balanced' } }, { id: 'difflm/uniform' }]) {
      const before = tf.memory().numTensors;
      const out = await generate(base({ spec, grid: 'linear', steps: 24 }));
      expect(tf.memory().numTensors).toBe(before);
      const correct = out.reduce((a, row) => a + row.filter((v, j) => v === target[j]).length, 0);
      expect(correct / (3 * N), spec.id).toBeGreaterThan(0.95);
      if (spec.id === 'difflm/masked') expect(out.every((row) => Array.from(row).every((v, j) => v === target[j]))).toBe(true);
    }
  });

  it('keeps a clean prompt and uses the attention rule allow(q, k) = level(q) >= level(k)', async () => {
    await useBackend('cpu');
    const o = oracle();
    const prompt = [Int32Array.from([7, 7, 7, 7])];
    const out = await generate(base({ denoise: o.denoise, prompt, steps: 8 }));
    for (const row of out) { expect(Array.from(row.slice(0, 4))).toEqual([7, 7, 7, 7]); expect(Array.from(row.slice(4))).toEqual(Array.from(target.slice(4))); }
    const att = o.calls[0]!.attention!;
    expect(att[0]![0]![5]).toBe(0); // a prompt query cannot see a completion key
    expect(att[0]![5]![0]).toBe(1); // a completion query sees the prompt
  });

  it('block-wise generation fills blocks left to right; later blocks are hidden from earlier ones', async () => {
    await useBackend('cpu');
    const o = oracle();
    const out = await generate(base({ denoise: o.denoise, blockLength: 4, steps: 4, sampler: 'adaptive', temperature: 0 }));
    expect(out.every((row) => Array.from(row).every((v, j) => v === target[j]))).toBe(true);
    const first = o.calls[0]!.attention!;
    expect(first[0]![0]![8]).toBe(0); // block 0 does not attend to block 2
    expect(first[0]![8]![0]).toBe(1);
  });

  it('adaptive sampler: masked noise takes k = ceil(N/steps) positions per step and stops when done', async () => {
    await useBackend('cpu');
    const o = oracle();
    const out = await generate(base({ denoise: o.denoise, sampler: 'adaptive', steps: 8, temperature: 0 }));
    expect(out.every((row) => Array.from(row).every((v, j) => v === target[j]))).toBe(true);
    expect(o.calls.length).toBeLessThanOrEqual(9);
    const uni = await generate(base({ spec: { id: 'difflm/uniform' }, sampler: 'adaptive', steps: 40, temperature: 0 }));
    expect(uni.every((row) => Array.from(row).every((v, j) => v === target[j]))).toBe(true);
  });

  it('adaptive sampler at temperature > 0 keeps going when a step redraws the token a position had', async () => {
    await useBackend('cpu');
    // An adversarial denoiser: the target leads the current token by a hair, so a top-2 draw keeps the
    // current token about half the time. Every position that disagrees must still be visited once.
    let calls = 0;
    const denoise = (zt: tf.Tensor2D): tf.Tensor3D => {
      calls++;
      const [B] = zt.shape;
      const cur = zt.dataSync();
      const out = new Float32Array(B * N * V);
      for (let i = 0; i < B * N; i++) { out[i * V + cur[i]!] = 5; out[i * V + target[i % N]!] = 5.01; }
      return tf.tensor3d(out, [B, N, V]);
    };
    const out = await generate(base({ spec: { id: 'difflm/uniform' }, denoise, batchSize: 1, sampler: 'adaptive', steps: N, temperature: 1, topK: 2, rng: createRng(5) }));
    const mismatchedAtStart = calls - 1; // one position per step, then one call that finds nothing left
    expect(calls).toBeGreaterThan(N / 2);
    expect(mismatchedAtStart).toBeLessThanOrEqual(N);
    expect(out[0]!.length).toBe(N);
  });

  it('self-correction replaces tokens the denoiser disagrees with', async () => {
    await useBackend('cpu');
    // A weak oracle (margin 1) makes ancestral sampling err at temperature 1; self-correction (τ = 0.1) repairs it.
    const weak = oracle(1);
    const anc = await generate(base({ denoise: weak.denoise, rng: createRng(3) }));
    const sc = await generate(base({ denoise: oracle(1).denoise, sampler: 'self-correction', rng: createRng(3), samplerOptions: { iterations: 64, tokensPerStep: 2 } }));
    const errors = (rows: Int32Array[]): number => rows.reduce((a, row) => a + row.filter((v, j) => v !== target[j]).length, 0);
    expect(errors(anc)).toBeGreaterThan(0);
    expect(errors(sc)).toBeLessThan(errors(anc));
  });

  it('is deterministic for a seed; temperature 0 / top-k 1 give argmax; top-p truncates', async () => {
    await useBackend('cpu');
    const a = await generate(base({ denoise: oracle(1).denoise, rng: createRng(9) }));
    const b = await generate(base({ denoise: oracle(1).denoise, rng: createRng(9) }));
    expect(a).toEqual(b);
    const greedy = await generate(base({ denoise: oracle(1).denoise, topK: 1 }));
    expect(greedy.every((row) => Array.from(row).every((v, j) => v === target[j]))).toBe(true);
    const p = denoiserProbs(Float32Array.from([2, 1, 0, -1]), 0, 4, null, { temperature: 1, topP: 0.7 }, new Float64Array(4));
    expect(p[2]).toBe(0); expect(p[3]).toBe(0); expect(p[0]! + p[1]!).toBeCloseTo(1, 12);
  });

  it('onStep reports every model evaluation in order, block by block, and the end, without changing the samples', async () => {
    await useBackend('cpu');
    for (const [sampler, blockLength] of [['ancestral', undefined], ['adaptive', 8]] as const) {
      const plain = await generate(base({ sampler, blockLength, rng: createRng(5) }));
      const o = oracle();
      const seen: { evaluation: number; block: number; blocks: number; done: boolean; masks: number }[] = [];
      const watched = await generate(base({
        sampler, blockLength, rng: createRng(5), denoise: o.denoise,
        onStep: (e) => seen.push({ evaluation: e.evaluation, block: e.block, blocks: e.blocks, done: e.done, masks: e.z.filter((t) => t === tokens.maskId).length }),
      }));
      expect(watched.map((r) => Array.from(r)), sampler).toEqual(plain.map((r) => Array.from(r)));
      // One report before each model evaluation, then the final one.
      expect(seen.length, sampler).toBe(o.calls.length + 1);
      expect(seen.map((e) => e.evaluation), sampler).toEqual(seen.map((_, i) => i));
      expect(seen.map((e) => e.done), sampler).toEqual(seen.map((_, i) => i === seen.length - 1));
      expect(seen[0]!.masks, sampler).toBe(3 * N); // starts from the prior: all masks
      expect(seen.at(-1)!.masks, sampler).toBe(0);
      // Masks only ever get fewer (masked diffusion commits tokens), and blocks come in order.
      for (let i = 1; i < seen.length; i++) {
        expect(seen[i]!.masks, sampler).toBeLessThanOrEqual(seen[i - 1]!.masks);
        expect(seen[i]!.block, sampler).toBeGreaterThanOrEqual(seen[i - 1]!.block);
      }
      expect(seen[0]!.blocks, sampler).toBe(blockLength ? N / blockLength : 1);
      expect(new Set(seen.map((e) => e.block)).size, sampler).toBe(seen[0]!.blocks);
    }
  });

  it('accepts an objective and validates its inputs', async () => {
    await useBackend('cpu');
    const objective = createObjective({ id: 'difflm/masked' }, tokens);
    expect((await generate({ ...base({}), spec: undefined, tokens: undefined, objective })).length).toBe(3);
    await expect(generate(base({ sampler: 'euler' }))).rejects.toThrow(/generate: sampler: unknown sampler "euler"; known: difflm\/adaptive, difflm\/ancestral, difflm\/self-correction/);
    await expect(generate(base({ sampler: 'self-correction', samplerOptions: { iterations: 0 } }))).rejects.toThrow(/samplerOptions \(difflm\/self-correction\): .*iterations must be an integer >= 1/);
    await expect(generate(base({ prompt: [new Int32Array(N + 1)] }))).rejects.toThrow(/more than seqLen/);
    await expect(generate(base({ minLogSnr: 5, maxLogSnr: -5 }))).rejects.toThrow(/inverted λ range/);
    await expect(generate(base({ denoise: () => tf.fill([3, N, V], NaN) as tf.Tensor3D }))).rejects.toThrow(/NaN logits/);
    expect(Array.from(logSnrGrid('linear', 4))).toEqual(Array.from(logSnrGrid('linear', 4)).sort((x, y) => x - y));
  });

  it('a λ grid is a λ schedule: linear and cosine are SPEC §2.1\'s grids, and a plug-in schedule gives its own', async () => {
    // SPEC §2.1: linear α = linspace(1e−4, 0.9999, T+1); cosine t = linspace(0.999, 1e−3, T+1), α = ½ + ½cos(πt); λ = clip(logit α).
    const spec21 = (kind: 'linear' | 'cosine', T: number, [lo, hi]: [number, number]): number[] => Array.from({ length: T + 1 }, (_, i) => {
      const f = i / T;
      const a = kind === 'linear' ? 1e-4 + f * (0.9999 - 1e-4) : 0.5 + 0.5 * Math.cos(Math.PI * (0.999 + f * (1e-3 - 0.999)));
      return Math.min(hi, Math.max(lo, Math.log(a / (1 - a))));
    });
    for (const T of [1, 4, 16, 64]) {
      for (const range of [[-9, 9], [-6, 7]] as [number, number][]) {
        for (const kind of ['linear', 'cosine'] as const) {
          const want = spec21(kind, T, range);
          for (const id of [kind, `difflm/${kind}`]) {
            const got = Array.from(logSnrGrid(id, T, range));
            expect(got.length).toBe(T + 1);
            got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(1e-9));
          }
        }
      }
    }
    // A third party's schedule, registered as it would be for training, places the sampler's steps too.
    const shifted = defineSchedule({
      id: 'acme/shift-up', description: 'cosine, λ + 2', parseOptions: () => ({}),
      create: (_o: unknown, r) => { const c = cosineSchedule(r); return { ...c, name: 'shift-up', logSnrFromTime: (t: number) => Math.min(r.maxLogSnr, c.logSnrFromTime(t) + 2) }; },
    });
    const schedules = createScheduleRegistry([shifted]);
    const g = logSnrGrid('acme/shift-up', 8, [-9, 9], schedules), c = logSnrGrid('cosine', 8, [-9, 9]);
    expect(g[4]! - c[4]!).toBeCloseTo(2, 9);
    expect(Array.from(g)).toEqual(Array.from(g).sort((x, y) => x - y));
    await useBackend('cpu');
    expect((await generate(base({ grid: 'acme/shift-up', schedules, temperature: 0 }))).every((row) => row.every((t, j) => t === target[j]))).toBe(true);
    await expect(generate(base({ grid: 'acme/shift-up' }))).rejects.toThrow(/generate: grid: unknown schedule id "acme\/shift-up"; known ids: difflm\/cosine, difflm\/linear, difflm\/log-linear/);
  });

  it('tokensPerStep gives each block ceil(tokens / tokensPerStep) steps: the samples of that step count, nothing else changed', async () => {
    await useBackend('cpu');
    const counted = oracle();
    const byTokens = await generate(base({ denoise: counted.denoise, sampler: 'adaptive', blockLength: 8, steps: undefined, tokensPerStep: 3, rng: createRng(5) }));
    expect(counted.calls.length).toBe(2 * 3); // two blocks of 8 tokens, ⌈8/3⌉ = 3 steps each
    const bySteps = await generate(base({ sampler: 'adaptive', blockLength: 8, steps: 3, rng: createRng(5) }));
    expect(byTokens).toEqual(bySteps);
    // A last block shorter than the others gets fewer steps: 16 tokens in blocks of 6 → 6, 6, 4 tokens → 2, 2, 2 steps at 3 per step; 5 per step → 2, 2, 1.
    const five = oracle();
    await generate(base({ denoise: five.denoise, sampler: 'adaptive', blockLength: 6, steps: undefined, tokensPerStep: 5 }));
    expect(five.calls.length).toBe(2 + 2 + 1);
    await expect(generate(base({ tokensPerStep: 2 }))).rejects.toThrow(/give either steps or tokensPerStep/);
    await expect(generate(base({ steps: undefined }))).rejects.toThrow(/give either steps or tokensPerStep/);
    await expect(generate(base({ steps: undefined, tokensPerStep: 0 }))).rejects.toThrow(/tokensPerStep must be an integer >= 1, got 0/);
  });

  it('eosId ends each row at its first EOS (included), stops block-wise generation once every row has ended, and minLength keeps EOS out of the first tokens', async () => {
    await useBackend('cpu');
    const EOS = 10;
    const withEos = Int32Array.from(target, (t, j) => (j === 5 || j === 11 ? EOS : t === EOS ? 0 : t));
    const calls: number[] = [];
    const denoise = (zt: tf.Tensor2D): tf.Tensor3D => {
      calls.push(1);
      const [B] = zt.shape;
      return tf.tensor3d(Float32Array.from({ length: B * N * V }, (_, i) => ((i % V) === withEos[Math.floor(i / V) % N] ? 12 : 0)), [B, N, V]);
    };
    const opts = { denoise, sampler: 'adaptive' as const, blockLength: 4, steps: 4, temperature: 0 };
    const plain = await generate(base(opts));
    expect(plain.every((row) => row.length === N && Array.from(row).every((v, j) => v === withEos[j]))).toBe(true);
    expect(calls.length).toBe(4 * 4);
    calls.length = 0;
    const stopped = await generate(base({ ...opts, eosId: EOS }));
    expect(stopped.map((r) => Array.from(r))).toEqual(plain.map((r) => Array.from(r.slice(0, 6)))); // up to and with the first EOS
    expect(calls.length).toBe(2 * 4); // blocks 0 and 1 only: every row ended in block 1
    calls.length = 0;
    const longer = await generate(base({ ...opts, eosId: EOS, minLength: 7 }));
    for (const row of longer) {
      expect(row.length).toBe(12); // the EOS at 5 was banned; the one at 11 ends the row
      expect(row[5]).not.toBe(EOS);
      expect(Array.from(row.slice(0, 5))).toEqual(Array.from(withEos.slice(0, 5)));
      expect(Array.from(row.slice(6))).toEqual(Array.from(withEos.slice(6, 12)));
    }
    expect(calls.length).toBe(3 * 4);
    // With a prompt, minLength counts generated tokens only.
    const prompted = await generate(base({ ...opts, blockLength: undefined, steps: 12, prompt: [Int32Array.from([1, 2, 3, 4])], eosId: EOS, minLength: 2 }));
    for (const row of prompted) expect(row.length).toBe(12);
    await expect(generate(base({ minLength: 3 }))).rejects.toThrow(/minLength needs eosId/);
    await expect(generate(base({ eosId: 11 }))).rejects.toThrow(/eosId must be a token id below vocabSize 12 other than the mask token, got 11/);
  });
});
