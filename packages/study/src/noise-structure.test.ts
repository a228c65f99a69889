import { describe, expect, it } from 'vitest';
import { createFitRng } from '@difflm/scaling-fit';
import type { GridPoint, MeasuredRun } from './grid-points.js';
import { noiseStructure } from './noise-structure.js';
import type { FinishedRun } from './study-results.js';

/** Replicated points whose log losses carry a per-seed offset c (every size), a per-run u and a per-read e. */
function replicated(seeds: number, sd: { c: number; u: number; e: number }, rngSeed = 1): GridPoint[] {
  const rng = createFitRng(rngSeed);
  const sizes = ['L2-D16-H2', 'L2-D24-H2', 'L2-D32-H2'], budgets = [1e11, 2e11, 4e11];
  const c = Array.from({ length: seeds }, () => sd.c * rng.normal());
  const u = sizes.map(() => Array.from({ length: seeds }, () => sd.u * rng.normal()));
  const points: GridPoint[] = [];
  sizes.forEach((model, s) => budgets.forEach((budget) => {
    const runs: MeasuredRun[] = Array.from({ length: seeds }, (_, k) => ({
      run: { config: { seed: k, noiseLabel: 'masked', model: { name: model } } } as unknown as FinishedRun,
      loss: 3 * Math.exp(c[k]! + u[s]![k]! + sd.e * rng.normal()),
      standardError: undefined,
    }));
    points.push({ key: `${model}@${budget}`, noise: 'masked', model, budget, runs, loss: 3, spread: undefined, standardError: undefined });
  }));
  return points;
}

describe('noise structure of replicated runs', () => {
  it('recovers the size of a run\'s noise, its persistence along the run and the part shared across sizes', () => {
    const [ns] = noiseStructure(replicated(3000, { c: 0.003, u: 0.004, e: 0.002 }));
    expect(ns!.relativeSpread).toBeCloseTo(Math.sqrt(29e-6), 3);
    expect(ns!.persistence!).toBeCloseTo(25 / 29, 1);
    expect(ns!.persistenceEnds!).toBeCloseTo(25 / 29, 1);
    expect(ns!.sharedAcrossSizes!).toBeCloseTo(9 / 29, 1);
    expect(ns!.pairs).toEqual({ alongRun: 9, acrossSizes: 9 });
  });
  it('independent reads show neither persistence nor sharing', () => {
    const [ns] = noiseStructure(replicated(3000, { c: 0, u: 0, e: 0.005 }));
    expect(Math.abs(ns!.persistence!)).toBeLessThan(0.05);
    expect(Math.abs(ns!.sharedAcrossSizes!)).toBeLessThan(0.05);
  });
  it('needs two seeds common to every replicated point', () => {
    const one = replicated(1, { c: 0, u: 0, e: 0.005 });
    expect(noiseStructure(one)).toEqual([]);
  });
});
