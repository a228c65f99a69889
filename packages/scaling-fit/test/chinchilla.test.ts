// Golden test on the Chinchilla runs (Hoffmann et al. 2022 Fig. 4 as extracted by Epoch AI; see
// ../shared/data/chinchilla/README.md): after Epoch's outlier rule, the 4,500-start sum-Huber fit reproduces
// Epoch's grid estimates and the maximum-likelihood fit reproduces Epoch's headline numbers.
import { readFileSync } from 'node:fs';
import { sharedPath, sharedSkipReason } from '@difflm/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { dropTopLoss, fitApproach3, fitApproach3Mle, parseCsv, resolveRuns, runsFromRecords, type Approach3Result } from '../src/index.js';

const csv = sharedPath('data/chinchilla/svg_extracted_data.csv');
const title = csv ? 'Chinchilla runs' : `Chinchilla runs ${sharedSkipReason('data/chinchilla/svg_extracted_data.csv')}`;
const rel = (x: number, ref: number): number => Math.abs(x - ref) / Math.abs(ref);

describe.skipIf(!csv)(title, () => {
  let points: { n: number; d: number; loss: number }[] = [];
  let grid: Approach3Result;

  beforeAll(() => {
    const runs = runsFromRecords(parseCsv(readFileSync(csv!, 'utf8')), { params: 'Model Size', compute: 'Training FLOP', loss: 'loss' });
    const { runs: resolved, issues } = resolveRuns(dropTopLoss(runs, 5));
    expect(issues).toEqual([]);
    points = resolved.map((r) => ({ n: r.params!, d: r.tokens, loss: r.loss }));
    grid = fitApproach3(points); // the full 4,500-start grid, run once for this file
  });

  it("keeps 240 of 245 runs under Epoch's outlier rule (loss < 5th-largest loss)", () => {
    expect(points).toHaveLength(240);
  });

  it("the 4,500-start fit reproduces Epoch's grid estimates (E, α, β to 1e-3 relative; A, B to 3%)", () => {
    expect(grid.starts).toBe(4500);
    expect(rel(grid.E, 1.81724)).toBeLessThan(1e-3);
    expect(rel(grid.alpha, 0.347313)).toBeLessThan(1e-3);
    expect(rel(grid.beta, 0.367183)).toBeLessThan(1e-3);
    expect(rel(grid.A, 477.84)).toBeLessThan(0.03);
    expect(rel(grid.B, 2143.86)).toBeLessThan(0.03);
    expect(rel(grid.objective, 0.00101827)).toBeLessThan(1e-4);
  });

  it("the maximum-likelihood fit reproduces Epoch's headline numbers", () => {
    const ml = fitApproach3Mle(points);
    expect(rel(ml.E, 1.8169)).toBeLessThan(1e-3);
    expect(rel(ml.alpha, 0.34781)).toBeLessThan(1e-3);
    expect(rel(ml.beta, 0.36585)).toBeLessThan(1e-3);
    expect(rel(ml.A, 482.01)).toBeLessThan(0.03);
    expect(rel(ml.B, 2085.43)).toBeLessThan(0.03);
  });

  it('starting only from Hoffmann et al.\'s estimate with the gradient-norm rule also reaches the grid optimum', () => {
    const one = fitApproach3(points, { starts: [[6.0073404, 6.0179186, 0.5267228, 0.33917084, 0.2849083]] });
    expect(rel(one.objective, grid.objective)).toBeLessThan(1e-6);
  });
});
