// Block-wise sampling reuses the clean prefix (@difflm/noise generate() with a prefixDenoiser, @difflm/models' prefix
// cache): the same samples as the full computation, for a fraction of the positions run through the model.
import { describe, expect, it } from 'vitest';
import { expectNoLeaks, useBackend } from '@difflm/test-utils';
import { buildTransformer, resolveModelConfig } from '@difflm/models';
import { createRng, generate, type GenerateOptions, type TokenSpace } from '@difflm/noise';

const V = 24, N = 24;
const tokens: TokenSpace = { vocabSize: V, maskId: V - 1, padId: null };

// Random weights everywhere (CompleteP's init zeroes the head, which would make every logit 0).
function model() {
  let seed = 9;
  const next = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  return buildTransformer(resolveModelConfig({ vocabSize: V, seqLen: N, dModel: 32, nLayers: 2, nHeads: 2 }), (s) =>
    Float32Array.from({ length: s.shape.reduce((a, b) => a * b, 1) }, () => (next() - 0.5) * (s.name === 'lm_head' ? 0.6 : 1.2)));
}

describe('prefix reuse in block-wise sampling (cpu, a real transformer)', async () => {
  const tf = await useBackend('cpu');
  type Tensor2D = ReturnType<typeof tf.tensor2d>;
  type Tensor3D = ReturnType<typeof tf.tensor3d>;
  const m = model();
  let positions = 0;
  const denoise = (zt: Tensor2D, mask: Tensor3D | null): Tensor3D => { positions += zt.size; return m.apply(zt, mask); };
  const prefixDenoiser = {
    encodePrefix: (p: Tensor2D) => { positions += p.size; return m.encodePrefix(p); },
    applyAfterPrefix: (c: ReturnType<typeof m.encodePrefix>, b: Tensor2D) => { positions += b.size; return m.applyAfterPrefix(c, b); },
  };
  const options = (over: Partial<GenerateOptions>): GenerateOptions => ({
    spec: { id: 'difflm/masked' }, tokens, denoise, batchSize: 3, seqLen: N, steps: 6, sampler: 'ancestral', grid: 'cosine',
    prompt: [Int32Array.from([3, 1, 4, 1, 5])], blockLength: 6, rng: createRng(7), ...over,
  });

  for (const sampler of ['ancestral', 'adaptive', 'self-correction'] as const) {
    it(`${sampler}: the same samples with and without the prefix cache, for fewer positions, without leaks`, async () => {
      positions = 0;
      const full = await generate(options({ sampler }));
      const fullPositions = positions;
      positions = 0;
      let reused: Int32Array[] = [];
      await expectNoLeaks(async () => { reused = await generate(options({ sampler, prefixDenoiser })); });
      expect(reused.map((r) => Array.from(r))).toEqual(full.map((r) => Array.from(r)));
      expect(reused.every((r) => Array.from(r.slice(0, 5)).join() === '3,1,4,1,5' && !r.includes(V - 1))).toBe(true);
      // Blocks of 6 after a 5-token prompt: 19 generated tokens in 4 blocks; every step ran 24 positions without the cache.
      expect(positions).toBeLessThan(fullPositions / 2);
    });
  }

  it('one block after a prompt reuses the prompt; rows with prompts of different lengths fall back to the full computation', async () => {
    positions = 0;
    const full = await generate(options({ blockLength: undefined, steps: 8 }));
    const fullPositions = positions;
    positions = 0;
    const reused = await generate(options({ blockLength: undefined, steps: 8, prefixDenoiser }));
    expect(reused).toEqual(full);
    expect(positions).toBe(3 * 5 + 8 * 3 * 19); // the prompt once, then the 19 generated positions per step
    expect(fullPositions).toBe(8 * 3 * N);
    const mixed = [Int32Array.from([3, 1]), Int32Array.from([3, 1, 4]), Int32Array.from([2])];
    positions = 0;
    const a = await generate(options({ prompt: mixed }));
    const aPositions = positions;
    positions = 0;
    const b = await generate(options({ prompt: mixed, prefixDenoiser }));
    expect(b).toEqual(a);
    expect(positions).toBe(aPositions);
  });
});
