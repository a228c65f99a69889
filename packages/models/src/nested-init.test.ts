import { describe, expect, it } from 'vitest';
import { useBackend } from '@difflm/test-utils';
import { resolveModelConfig } from './config.js';
import { createTransformer, type Transformer } from './transformer.js';

const cfg = (d: number, init?: 'nested' | 'independent') => ({ vocabSize: 11, seqLen: 8, dModel: d, nLayers: 1, nHeads: 2, ...(init ? { init } : {}) });
const values = (m: Transformer, name: string): Float32Array => m.params.find((p) => p.name === name)!.variable.dataSync() as Float32Array;

describe('nested initialisation (weights that agree across widths)', async () => {
  await useBackend('cpu');
  it('a narrower model holds the wider one\'s entries at the same coordinates (scaled by the CompleteP std)', () => {
    const narrow = createTransformer(cfg(8, 'nested'), { seed: 3 }), wide = createTransformer(cfg(16, 'nested'), { seed: 3 });
    const scale = Math.sqrt(16 / 8); // bulk std 0.4/√d
    // w_up [d, 4d]: entry (r, c).
    const n = values(narrow, 'layers.0.mlp.w_up'), w = values(wide, 'layers.0.mlp.w_up');
    for (const [r, c] of [[0, 0], [3, 17], [7, 31]] as const) expect(n[r * 32 + c]! / w[r * 64 + c]!).toBeCloseTo(scale, 5);
    // wqkv [d, 3d]: the k block's head 1, index 2 sits at column 8 + 4 + 2 (narrow) and 16 + 8 + 2 (wide).
    const nq = values(narrow, 'layers.0.attn.wqkv'), wq = values(wide, 'layers.0.attn.wqkv');
    expect(nq[5 * 24 + 14]! / wq[5 * 48 + 26]!).toBeCloseTo(scale, 5);
    // embeddings (std 0.02 at every width): equal entries.
    expect(values(narrow, 'embed')[4 * 8 + 6]).toBe(values(wide, 'embed')[4 * 16 + 6]);
    for (const m of [narrow, wide]) m.dispose();
  });
  it('nested draws are standard normal, and the default stays the independent stream', () => {
    const m = createTransformer({ ...cfg(64, 'nested'), nLayers: 2 }, { seed: 9 });
    const v = values(m, 'layers.1.mlp.w_up');
    const std = 0.4 / 8;
    const mean = v.reduce((s, x) => s + x, 0) / v.length, sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
    expect(Math.abs(mean)).toBeLessThan(0.02 * std * 10);
    expect(sd / std).toBeCloseTo(1, 1);
    const a = createTransformer(cfg(16), { seed: 3 }), b = createTransformer(cfg(16, 'nested'), { seed: 3 });
    expect(values(a, 'layers.0.mlp.w_up')[0]).not.toBe(values(b, 'layers.0.mlp.w_up')[0]);
    expect(resolveModelConfig(cfg(16))).not.toHaveProperty('init');
    expect(() => resolveModelConfig({ ...cfg(16), init: 'shared' as never })).toThrow(/model config: init must be "independent" or "nested"/);
    for (const x of [m, a, b]) x.dispose();
  });
});
