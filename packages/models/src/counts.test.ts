import { describe, expect, it } from 'vitest';
import { modelConfigForDepth, paperModelConfig, PAPER_MODEL_SIZES, resolveModelConfig, type PaperModelName } from './config.js';
import { exactNonEmbeddingParamCount, exactParamCount, flopsPerToken, notebookFlopsPerToken, paperParamCount } from './counts.js';
import { parameterLayout } from './parameter-layout.js';

describe('parameter and FLOP counts (SPEC §3)', () => {
  it("the paper's formula gives its L8-D512 and L20-D1536 counts", () => {
    expect(paperParamCount(paperModelConfig('L8-D512'))).toBe(25_223_680);
    expect(paperParamCount(paperModelConfig('L20-D1536'))).toBe(566_662_656);
  });

  it("matches the paper's rounded P column for every named size", () => {
    const table: Record<PaperModelName, number> = {
      'L8-D512': 25.2e6, 'L10-D640': 49.2e6, 'L12-D768': 85.1e6, 'L16-D1024': 201.6e6, 'L20-D1536': 566.7e6,
      'mask-3B': 2.039e9, 'unif-3B': 2.152e9, 'unif-10B': 8.666e9,
    };
    for (const [name, p] of Object.entries(table)) {
      expect(Math.abs(paperParamCount(paperModelConfig(name as PaperModelName)) / p - 1), name).toBeLessThan(1e-3);
    }
  });

  it("the notebooks' Method-1 form reproduces the M column of [P Tab. 4] at N = 2048", () => {
    const table: Record<PaperModelName, number> = {
      'L8-D512': 2.517e8, 'L10-D640': 4.522e8, 'L12-D768': 7.361e8, 'L16-D1024': 1.611e9, 'L20-D1536': 4.152e9,
      'mask-3B': 1.359e10, 'unif-3B': 1.4345e10, 'unif-10B': 5.583e10,
    };
    for (const [name, m] of Object.entries(table)) {
      expect(Math.abs(notebookFlopsPerToken(paperModelConfig(name as PaperModelName)) / m - 1), name).toBeLessThan(1e-3);
    }
  });

  it('Method 1 is 6P + 12·L·d·N and Method 2 is 6P', () => {
    const c = paperModelConfig('L8-D512');
    expect(flopsPerToken(c, { method: 'method2' })).toBe(6 * 25_223_680);
    expect(flopsPerToken(c)).toBe(6 * 25_223_680 + 12 * 8 * 512 * 2048);
    expect(flopsPerToken(c, { seqLen: 128 })).toBe(6 * 25_223_680 + 12 * 8 * 512 * 128);
    expect(flopsPerToken(c, { params: exactNonEmbeddingParamCount(c), method: 'method2' })).toBe(6 * exactNonEmbeddingParamCount(c));
    expect(() => flopsPerToken(c, { method: 'method3' as never })).toThrow(/method must be/);
  });

  it('the exact count is the sum of the layout and differs from the paper by the sinks and the doubled MLP biases', () => {
    for (const cfg of [resolveModelConfig({ vocabSize: 256, seqLen: 128, dModel: 128, nLayers: 2, nHeads: 4 }), paperModelConfig('L8-D512')]) {
      const sum = parameterLayout(cfg).reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0);
      expect(sum).toBe(exactParamCount(cfg));
      const { nLayers: L, dModel: d, vocabSize: V } = cfg;
      expect(exactParamCount(cfg)).toBe(exactNonEmbeddingParamCount(cfg) + 2 * V * d);
      // paper counts 14d per layer (MLP biases 5d twice, no sinks); the model has 9d + 2d sinks
      expect(paperParamCount(cfg) - exactNonEmbeddingParamCount(cfg)).toBe(L * 3 * d);
    }
  });

  it('the depth dial follows the paper: d = 64·L, H = L', () => {
    for (const depth of [8, 10, 12, 16]) {
      const c = modelConfigForDepth(depth, { vocabSize: 131072, seqLen: 2048 });
      const named = PAPER_MODEL_SIZES[`L${depth}-D${64 * depth}` as PaperModelName];
      expect({ nLayers: c.nLayers, dModel: c.dModel, nHeads: c.nHeads }).toEqual(named);
    }
  });
});
