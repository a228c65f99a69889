import { describe, expect, it } from 'vitest';
import { modelConfigForDepth, paperModelConfig, resolveModelConfig } from './config.js';

const base = { vocabSize: 256, seqLen: 128, dModel: 128, nLayers: 2, nHeads: 4 };

describe('model config', () => {
  it('fills the SPEC constants', () => {
    expect(resolveModelConfig(base)).toEqual({ ...base, causal: false, ropeTheta: 10000, attnSoftCap: 30 });
    expect(modelConfigForDepth(3, { vocabSize: 256, seqLen: 64, causal: true })).toMatchObject({ dModel: 192, nHeads: 3, nLayers: 3, causal: true });
    expect(paperModelConfig('L20-D1536')).toMatchObject({ vocabSize: 131072, seqLen: 2048, nHeads: 24 });
  });

  it('rejects impossible shapes and bad fields with messages naming the field', () => {
    expect(() => resolveModelConfig({ ...base, nHeads: 3 })).toThrow(/nHeads \(3\) must divide dModel \(128\)/);
    expect(() => resolveModelConfig({ ...base, dModel: 6, nHeads: 2 })).toThrow(/must be even for the RoPE/);
    expect(() => resolveModelConfig({ ...base, nLayers: 0 })).toThrow(/nLayers must be a positive integer/);
    expect(() => resolveModelConfig({ ...base, seqLen: 1.5 })).toThrow(/seqLen must be a positive integer/);
    expect(() => resolveModelConfig({ ...base, vocabSize: 1 })).toThrow(/vocabSize must be at least 2/);
    expect(() => resolveModelConfig({ ...base, heads: 4 } as never)).toThrow(/unknown field 'heads'/);
    expect(() => resolveModelConfig({ ...base, causal: 'yes' } as never)).toThrow(/causal must be true or false/);
    expect(() => resolveModelConfig({ ...base, attnSoftCap: 0 })).toThrow(/attnSoftCap/);
    expect(() => modelConfigForDepth(0, { vocabSize: 256, seqLen: 64 })).toThrow(/depth must be a positive integer/);
    expect(() => paperModelConfig('L99' as never)).toThrow(/unknown size 'L99'/);
  });
});
