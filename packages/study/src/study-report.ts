// `difflm report`: fit a study with @difflm/scaling-fit (IsoFLOP parabolas per noise type, M*/D*/L*
// frontiers with bootstrap bands, the Table-1 exponent table, hyperparameter laws) and write
// report.md, one SVG and PNG per figure, and report.json with every number, under <study dir>/report/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitStudy, type ScalingRun, type StudyFit } from '@difflm/scaling-fit';
import { studyPaths } from './run-study.js';
import { loadStudyResults, type FinishedRun } from './study-results.js';

export interface StudyReportOptions {
  readonly dir: string;
  readonly outDir?: string;
  /** Bootstrap resamples of the frontier fits (default 2000). */
  readonly bootstrap?: number;
  /** Also write PNGs (default true). */
  readonly png?: boolean;
}

export interface StudyReportFiles {
  readonly markdown: string;
  readonly files: readonly string[];
  /** Everything in report.json. */
  readonly data: { study: string; finishedRuns: number; missingRuns: number; runs: unknown[]; fit: StudyFit | null; rawFit: StudyFit | null; fitError: string | null };
}

/** A finished run as a scaling-fit input row (group = noise type; batch in tokens). */
export function scalingRunOf(r: FinishedRun): ScalingRun {
  const c = r.config;
  const run: ScalingRun = {
    id: r.id, group: c.noiseLabel, params: c.params, flopsPerToken: c.flopsPerToken, tokens: c.tokens, loss: r.finalLoss!,
    batchSize: c.batchSequences * c.seqLen, learningRate: c.lr,
  };
  const pts = r.curve.filter((p) => p.tokens > 0 && p.loss > 0);
  if (pts.length > 0) run.curve = { tokens: pts.map((p) => p.tokens), loss: pts.map((p) => p.loss) };
  return run;
}

function runTable(runs: readonly FinishedRun[]): string[] {
  const out = ['## Runs', '', '| run | noise | model | budget C | tokens D | batch | lr | final ELBO (nats/token) | held-out ELBO | wall s |', '|---|---|---|---|---|---|---|---|---|---|'];
  for (const r of runs) {
    const c = r.config;
    const evalElbo = r.metrics?.evalElbo;
    out.push(`| ${r.id} | ${c.noiseLabel} | ${c.model.name} | ${c.budgetFlops.toExponential(2)} | ${c.tokens.toExponential(2)} | ${c.batchSequences}×${c.seqLen} | ${c.lr.toPrecision(3)} | ${r.finalLoss!.toFixed(4)} | ${evalElbo === undefined ? '—' : evalElbo.toFixed(4)} | ${r.wallSeconds?.toFixed(1) ?? '—'} |`);
  }
  return out;
}

/** Target losses for B*(D) when the study sweeps batch sizes: the quartiles of the final losses. */
function batchTargets(runs: readonly FinishedRun[]): { batchSizeTargets?: number[] } {
  if (new Set(runs.map((r) => r.config.batchSequences)).size < 3) return {};
  const losses = runs.map((r) => r.finalLoss!).sort((a, b) => a - b);
  return { batchSizeTargets: [0.25, 0.5, 0.75].map((q) => losses[Math.floor(q * (losses.length - 1))]!) };
}

/** Nest a scaling-fit markdown document under the study report's headings. */
function demote(md: string, title: string): string {
  return md.replace(/^# .*$/m, `## ${title}`).replace(/^## (?!Scaling-law fit)/gm, '### ');
}

const finite = (_k: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v);

export async function writeStudyReport(opts: StudyReportOptions): Promise<StudyReportFiles> {
  const results = loadStudyResults(opts.dir);
  if (results.runs.length === 0) throw new Error(`study ${results.definition.name} has no finished runs yet; run \`difflm study\` first`);
  const outDir = opts.outDir ?? studyPaths(opts.dir).report;
  mkdirSync(outDir, { recursive: true });
  const def = results.definition;
  let fit: StudyFit | null = null;
  let fitError: string | null = null;
  try {
    fit = fitStudy(results.runs.map(scalingRunOf), {
      isoflop: { budgets: def.budgets },
      frontier: { resamples: opts.bootstrap ?? 2000, seed: def.seed },
      ...batchTargets(results.runs),
    });
  } catch (e) {
    fitError = (e as Error).message;
  }
  const files: string[] = [];
  const write = (name: string, content: string | Uint8Array) => {
    const f = join(outDir, name);
    writeFileSync(f, content);
    files.push(f);
  };
  let fitMarkdown = `## Fit\n\nThe scaling fit failed: ${fitError}\n`;
  let rawFit: StudyFit | null = null;
  if (fit) {
    const { renderReport } = await import('@difflm/scaling-fit/report');
    const rendered = await renderReport(fit, { png: opts.png ?? true });
    for (const [name, svg] of Object.entries(rendered.svgs)) write(name, svg);
    for (const [name, png] of Object.entries(rendered.pngs)) write(name, png);
    fitMarkdown = demote(rendered.markdown, 'Scaling-law fit ("sq. fit": IsoFLOP parabola vertices, SPEC §5.3)');
    // When parabola vertices fall outside the sampled sizes (common in small studies), the paper's "raw"
    // method still gives frontiers: the best observed run per budget (SPEC §5.3 step 3).
    if (fit.exponentTable.some((r) => !r.alphaM || !r.alphaL)) {
      rawFit = fitStudy(results.runs.map(scalingRunOf), { isoflop: { budgets: def.budgets }, frontier: { source: 'raw', resamples: opts.bootstrap ?? 2000, seed: def.seed } });
      const raw = await renderReport(rawFit, { png: opts.png ?? true });
      for (const [name, svg] of Object.entries(raw.svgs)) if (name.startsWith('frontier-')) write(`raw-${name}`, svg);
      for (const [name, png] of Object.entries(raw.pngs)) if (name.startsWith('frontier-')) write(`raw-${name}`, png);
      const rawMd = raw.markdown.split(/\n(?=## IsoFLOP budgets)/)[0]!.replace(/!\[frontier/g, '![raw-frontier');
      fitMarkdown += `\n${demote(rawMd, 'Scaling-law fit ("raw": best observed run per budget, SPEC §5.3)')}`;
      const figures = Object.keys(raw.svgs).filter((n) => n.startsWith('frontier-')).map((n) => `![raw-${n.replace(/\.svg$/, '')}](raw-${n})`);
      if (figures.length) fitMarkdown += `\n${figures.join('\n\n')}\n`;
    }
  }
  const header = [
    `# Study ${def.name}`, '', def.description ?? '', '',
    `${results.runs.length} finished runs${results.missing ? `, ${results.missing} not finished (not in this report)` : ''}; ` +
      `noise types ${[...new Set(results.runs.map((r) => r.config.noiseLabel))].join(', ')}; budgets ${def.budgets.map((b) => b.toExponential(1)).join(', ')} FLOPs (non-embedding, Method 1). ` +
      'Losses are the final training ELBO in nats per token (EMA, SPEC §5.2); the exponent table follows the layout of the paper\'s Table 1 (95% bootstrap intervals).',
    '',
  ];
  const data = {
    study: def.name, finishedRuns: results.runs.length, missingRuns: results.missing,
    runs: results.runs.map((r) => ({ id: r.id, noise: r.config.noiseLabel, model: r.config.model.name, params: r.config.params, flopsPerToken: r.config.flopsPerToken, budgetFlops: r.config.budgetFlops, tokens: r.config.tokens, batchSequences: r.config.batchSequences, seqLen: r.config.seqLen, lr: r.config.lr, finalLoss: r.finalLoss, metrics: r.metrics, wallSeconds: r.wallSeconds, curve: r.curve })),
    fit, rawFit, fitError,
  };
  write('report.json', `${JSON.stringify(data, finite, 2)}\n`);
  write('report.md', `${[...header, fitMarkdown, '', ...runTable(results.runs)].join('\n')}\n`);
  return { markdown: join(outDir, 'report.md'), files, data };
}
