import { describe, expect, it } from 'vitest';
import { fitStudy, type ScalingRun } from '../index.js';
import { createFitRng } from '../rng.js';
import { renderReport, reportSpecs } from './index.js';

function grid(): ScalingRun[] {
  const rng = createFitRng(2);
  const runs: ScalingRun[] = [];
  for (const [group, aM] of [['masked', 0.566], ['uniform', 0.589]] as const) {
    for (let k = 0; k < 5; k++) {
      const C = 1e18 * 10 ** (k * 0.4), mStar = 0.01 * C ** aM;
      for (let j = -2; j <= 2; j++) {
        const M = mStar * Math.exp(0.6 * j);
        runs.push({ group, flopsPerToken: M, params: M / 7, compute: C, loss: 30 * C ** -0.05 * Math.exp(0.04 * (0.6 * j) ** 2 + 0.002 * rng.next()) });
      }
    }
  }
  return runs;
}

describe('renderReport', () => {
  it('renders IsoFLOP and frontier figures to SVG and PNG, with markdown and JSON', async () => {
    const fit = fitStudy(grid(), { frontier: { resamples: 200 } });
    expect(Object.keys(reportSpecs(fit)).sort()).toEqual(['frontier-flopsPerToken', 'frontier-loss', 'frontier-params', 'frontier-tokens', 'frontier-tokens-loss', 'isoflop-masked', 'isoflop-uniform']);
    const r = await renderReport(fit);
    expect(r.svgs['isoflop-masked.svg']).toMatch(/^<svg[\s\S]*<\/svg>$/);
    expect(r.svgs['frontier-tokens.svg']).toContain('Compute-optimal tokens D');
    const png = r.pngs['frontier-loss.png']!;
    expect(Array.from(png.slice(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(r.markdown).toMatch(/\| masked \| 0\.5\d+ \[/);
    expect(r.markdown).toContain('![isoflop-masked](isoflop-masked.svg)');
    const json = JSON.parse(r.json) as { exponentTable: { group: string; alphaM: { estimate: number } }[] };
    expect(json.exponentTable[1]!.group).toBe('uniform');
    expect(json.exponentTable[1]!.alphaM.estimate).toBeCloseTo(0.589, 2);
  });
});
