// The training-speed benchmark's config table: the TypeScript worker and the PyTorch reference train the same shapes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultConfigs, referenceConfigs, trainFlopsPerToken } from '../bench/reference-configs.js';

const python = readFileSync(new URL('../bench/pytorch_ref.py', import.meta.url), 'utf8');

describe('bench:train configs', () => {
  it('pytorch_ref.py has every config with the same shape', () => {
    for (const c of Object.values(referenceConfigs)) {
      const m = python.match(new RegExp(`"${c.name}": dict\\(n_layers=(\\d+), d=(\\d+), heads=(\\d+), vocab=(\\d+), batch=(\\d+), seq=(\\d+)\\)`));
      expect(m, c.name).not.toBeNull();
      expect(m!.slice(1).map(Number)).toEqual([c.nLayers, c.dModel, c.nHeads, c.vocabSize, c.batch, c.seqLen]);
    }
  });
  it('the paper\'s L8-D512 at N = 2048 (head dim 64) is a default GPU config', () => {
    const c = referenceConfigs['l8-d512'];
    expect([c.nLayers, c.dModel, c.dModel / c.nHeads, c.seqLen]).toEqual([8, 512, 64, 2048]);
    expect(defaultConfigs.gpu).toEqual(['a', 'b', 'l8-d512']);
    expect(defaultConfigs.cpu).not.toContain('l8-d512');
    // 6·(12·L·d² + d·V) + 12·L·N·d
    expect(trainFlopsPerToken(c)).toBe(6 * (12 * 8 * 512 * 512 + 512 * 256) + 12 * 8 * 2048 * 512);
  });
});
