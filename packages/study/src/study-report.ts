// `difflm report`: the study's results as markdown and JSON (with every number), written under
// <study dir>/report/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { studyPaths } from './run-study.js';
import { loadStudyResults, type FinishedRun } from './study-results.js';

export interface StudyReportOptions {
  readonly dir: string;
  readonly outDir?: string;
  /** Bootstrap resamples for confidence bands. */
  readonly bootstrap?: number;
}

export interface StudyReportFiles {
  readonly markdown: string;
  readonly files: readonly string[];
  readonly data: unknown;
}

function isoflopTable(runs: readonly FinishedRun[]): string[] {
  const out: string[] = [];
  const groups = [...new Set(runs.map((r) => r.config.noiseLabel))];
  for (const g of groups) {
    const mine = runs.filter((r) => r.config.noiseLabel === g);
    const budgets = [...new Set(mine.map((r) => r.config.budgetFlops))].sort((a, b) => a - b);
    const sizes = [...new Set(mine.map((r) => r.config.model.name))];
    out.push(`### ${g}: final training ELBO (nats/token) per budget and size`, '', `| budget C | ${sizes.join(' | ')} |`, `|---|${sizes.map(() => '---').join('|')}|`);
    for (const c of budgets) {
      const cells = sizes.map((s) => {
        const best = mine.filter((r) => r.config.budgetFlops === c && r.config.model.name === s).sort((a, b) => a.finalLoss! - b.finalLoss!)[0];
        return best ? best.finalLoss!.toFixed(4) : '–';
      });
      out.push(`| ${c.toExponential(1)} | ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  return out;
}

export async function writeStudyReport(opts: StudyReportOptions): Promise<StudyReportFiles> {
  const results = loadStudyResults(opts.dir);
  const outDir = opts.outDir ?? studyPaths(opts.dir).report;
  mkdirSync(outDir, { recursive: true });
  const def = results.definition;
  const data = {
    study: def.name,
    finishedRuns: results.runs.length,
    missingRuns: results.missing,
    runs: results.runs.map((r) => ({ id: r.id, noise: r.config.noiseLabel, model: r.config.model.name, params: r.config.params, flopsPerToken: r.config.flopsPerToken, budgetFlops: r.config.budgetFlops, tokens: r.config.tokens, batchSequences: r.config.batchSequences, lr: r.config.lr, finalLoss: r.finalLoss, metrics: r.metrics, wallSeconds: r.wallSeconds })),
  };
  const md = [`# Study ${def.name}`, '', def.description ?? '', '', `${results.runs.length} finished runs${results.missing ? `, ${results.missing} not finished (not in this report)` : ''}.`, '', ...isoflopTable(results.runs)];
  const files = [join(outDir, 'report.md'), join(outDir, 'report.json')];
  writeFileSync(files[0]!, `${md.join('\n')}\n`);
  writeFileSync(files[1]!, `${JSON.stringify(data, null, 2)}\n`);
  return { markdown: files[0]!, files, data };
}
