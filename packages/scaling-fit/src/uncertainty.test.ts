import { describe, expect, it } from 'vitest';
import { fitStudy } from './fit-study.js';
import { isoflopSpec, tokenFrontierSpec } from './report/plot-specs.js';
import type { ScalingRun } from './runs.js';

// Synthetic IsoFLOP grid from L(M, D) = 1.5 + 300·M^−0.3 + 900·D^−0.3 (optimum inside each budget's sizes).
function grid(group: string, offset = 0): ScalingRun[] {
  const runs: ScalingRun[] = [];
  for (const C of [1e11, 1e12, 1e13, 1e14]) {
    const mStar = 0.3 * Math.sqrt(C);
    for (const f of [0.25, 0.5, 1, 2, 4]) {
      const M = mStar * f, D = C / M;
      runs.push({ id: `${group}-${C}-${f}`, group, flopsPerToken: M, tokens: D, loss: 1.5 + offset + 300 * M ** -0.3 + 900 * D ** -0.3, lossStandardError: 0.004, lossSpread: f === 1 ? 0.01 : undefined, replicates: f === 1 ? 3 : 1 });
    }
  }
  return runs;
}

describe('loss uncertainties and the token-bound frontier', () => {
  const fit = fitStudy([...grid('masked'), ...grid('uniform', 0.05)], { isoflop: { budgets: [1e11, 1e12, 1e13, 1e14] }, frontier: { resamples: 0 } });
  it('carries each run\'s standard error, replicate spread and count to its IsoFLOP point', () => {
    const pts = fit.isoflop.masked![0]!.points;
    expect(pts.every((p) => p.lossStandardError === 0.004)).toBe(true);
    expect(pts.filter((p) => p.lossSpread === 0.01 && p.replicates === 3)).toHaveLength(1);
  });
  it('fits L*(D*) per group, and the worse group sits above at equal tokens', () => {
    expect(fit.tokenFrontiers.map((t) => t.group)).toEqual(['masked', 'uniform']);
    const [m, u] = fit.tokenFrontiers;
    expect(m!.points).toHaveLength(4);
    expect(m!.law!.alpha).toBeLessThan(0);
    const at = (t: typeof m, d: number) => t!.law!.A * d ** t!.law!.alpha;
    expect(at(u, 1e7)).toBeGreaterThan(at(m, 1e7));
  });
  it('plots every point, error bar, curve and vertex inside the axes', () => {
    const spec = isoflopSpec('masked', fit.isoflop.masked!) as { layer: { data: { values: Record<string, number>[] }; encoding: { y: { scale: { domain: [number, number] } }; x: { scale: { domain: [number, number] } } } }[] };
    for (const layer of spec.layer) {
      const [ylo, yhi] = layer.encoding.y.scale.domain, [xlo, xhi] = layer.encoding.x.scale.domain;
      for (const v of layer.data.values) {
        for (const k of ['loss', 'lo', 'hi']) if (v[k] !== undefined) { expect(v[k]).toBeGreaterThanOrEqual(ylo); expect(v[k]).toBeLessThanOrEqual(yhi); }
        expect(v.x).toBeGreaterThanOrEqual(xlo);
        expect(v.x).toBeLessThanOrEqual(xhi);
      }
    }
    expect(JSON.stringify(tokenFrontierSpec(fit.tokenFrontiers))).toContain('optimal tokens D*');
  });
  it('marks vertices of usable budgets only, so an out-of-range vertex does not stretch the axes', () => {
    const budgets = structuredClone(fit.isoflop.masked!);
    const sizes = budgets[0]!.points.map((p) => p.flopsPerToken!);
    // The first budget as an unusable fit whose vertex lies decades below the sampled sizes.
    budgets[0] = { ...budgets[0]!, ok: false, parabolas: { ...budgets[0]!.parabolas, flopsPerToken: { ...budgets[0]!.parabolas.flopsPerToken!, optimum: 1e-4 } } };
    const spec = isoflopSpec('masked', budgets) as { layer: { mark: { shape?: string }; data: { values: { budget: number }[] }; encoding: { x: { scale: { domain: [number, number] } } } }[] };
    const diamonds = spec.layer.find((l) => l.mark.shape === 'diamond')!;
    expect(diamonds.data.values.map((v) => v.budget)).toEqual(budgets.slice(1).map((b) => b.budget));
    expect(spec.layer[0]!.encoding.x.scale.domain[0]).toBeGreaterThan(Math.min(...sizes) / 2);
  });
});
