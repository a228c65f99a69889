// Fit the Chinchilla runs (Hoffmann et al. 2022, Fig. 4, as extracted by Epoch AI) with @difflm/scaling-fit:
// Epoch's outlier rule, the multi-start sum-Huber fit (Approach 3), the maximum-likelihood fit, and the
// compute-optimal allocation. Run: node --conditions=@difflm/source --import tsx examples/chinchilla-fit/src/index.ts [csv] [--full-grid]
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  allocationExponents, chinchillaGrid, computeOptimal, dropTopLoss, fitApproach3, fitApproach3Mle, parseCsv, resolveRuns, runsFromRecords,
  type Approach3MleResult, type Approach3Result,
} from '@difflm/scaling-fit';

export interface ChinchillaFit {
  runs: number;
  kept: number;
  grid: Approach3Result;
  mle: Approach3MleResult;
  /** N*, D* at 1e21 and 1e23 FLOPs under the maximum-likelihood law. */
  optimal: { compute: number; size: number; tokens: number }[];
  text: string;
}

/** The CSV beside the repository (../shared), unless DIFFLM_SHARED points elsewhere. */
export function defaultCsvPath(): string {
  const shared = process.env.DIFFLM_SHARED ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared');
  return resolve(shared, 'data/chinchilla/svg_extracted_data.csv');
}

/** Fit the CSV. `fullGrid` uses all 4,500 starts; otherwise every 10th (450), which finds the same optimum here. */
export function fitChinchilla(csvPath: string, fullGrid = false): ChinchillaFit {
  const runs = runsFromRecords(parseCsv(readFileSync(csvPath, 'utf8')), { params: 'Model Size', compute: 'Training FLOP', loss: 'loss' });
  const { runs: kept, issues } = resolveRuns(dropTopLoss(runs, 5)); // Epoch: keep loss < 5th-largest loss
  if (issues.length) throw new Error(`invalid rows: ${issues.map((i) => i.message).join('; ')}`);
  const points = kept.map((r) => ({ n: r.params!, d: r.tokens, loss: r.loss }));
  const grid = fitApproach3(points, fullGrid ? {} : { starts: chinchillaGrid().filter((_, i) => i % 10 === 0) });
  const mle = fitApproach3Mle(points);
  const optimal = [1e21, 1e23].map((c) => computeOptimal(mle, c));
  const row = (name: string, f: Approach3Result | Approach3MleResult): string =>
    `${name.padEnd(22)} A=${f.A.toFixed(2).padStart(8)}  B=${f.B.toFixed(2).padStart(8)}  E=${f.E.toFixed(4)}  α=${f.alpha.toFixed(5)}  β=${f.beta.toFixed(5)}`;
  const text = [
    `${runs.length} runs, ${points.length} kept by Epoch's outlier rule`,
    row(`Huber grid (${grid.starts} starts)`, grid),
    row('maximum likelihood', mle),
    `compute-optimal share a = β/(α+β) = ${allocationExponents(mle).a.toFixed(3)}`,
    ...optimal.map((o) => `C = ${o.compute.toExponential(0)}: N* = ${o.size.toExponential(3)}, D* = ${o.tokens.toExponential(3)}`),
  ].join('\n');
  return { runs: runs.length, kept: points.length, grid, mle, optimal, text };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const csv = args.find((a) => !a.startsWith('--')) ?? defaultCsvPath();
  console.log(fitChinchilla(csv, args.includes('--full-grid')).text);
}
