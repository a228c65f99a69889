// `difflm fit`: fit scaling laws to any CSV/JSONL table of runs. Pure @difflm/scaling-fit (never TensorFlow.js).
//   difflm fit runs.csv --size-col "Model Size" --compute-col "Training FLOP" --loss-col loss --drop-top-loss 5 --json
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { defineCommand } from 'citty';
import {
  allocationExponents, computeOptimal, DEFAULT_COLUMNS, dropTopLoss, fitApproach3, fitApproach3Mle, fitStudy, formatInterval, parseCsv,
  parseJsonl, resolveRuns, runsFromRecords, type ColumnMapping, type ParametricLaw, type StudyFit,
} from '@difflm/scaling-fit';

export type FitMethod = 'approach3' | 'approach3-mle' | 'isoflop';

export interface FitArgs {
  file: string;
  format?: 'csv' | 'jsonl';
  method?: FitMethod;
  columns: ColumnMapping;
  dropTopLoss?: number;
  bootstrap?: number;
  seed?: number;
  budgets?: number[];
  computeRange?: [number, number];
  out?: string;
}

/** The command's result: JSON-ready data plus a human-readable text rendering. */
export interface FitOutput {
  json: Record<string, unknown>;
  text: string;
}

const PARAMETRIC_BUDGETS = [1e21, 1e22, 1e23, 1e24];

function lawSummary(law: ParametricLaw, sizeIsParams: boolean): Record<string, unknown> {
  return {
    allocation: allocationExponents(law),
    computeOptimal: PARAMETRIC_BUDGETS.map((c) => computeOptimal(law, c, sizeIsParams ? 6 : 1)),
  };
}

/** Run a fit from parsed arguments (the CLI's `run` calls this; tests call it directly). */
export async function runFit(args: FitArgs): Promise<FitOutput> {
  if (!existsSync(args.file) || !statSync(args.file).isFile()) throw new Error(`${args.file} is not a file: give a runs table (.csv or .jsonl; one row per run)`);
  const text = readFileSync(args.file, 'utf8');
  const format = args.format ?? (['.jsonl', '.ndjson'].includes(extname(args.file).toLowerCase()) ? 'jsonl' : 'csv');
  const records = format === 'jsonl' ? parseJsonl(text) : parseCsv(text);
  const all = runsFromRecords(records, args.columns);
  const method = args.method ?? 'approach3';
  const kept = args.dropTopLoss ? dropTopLoss(all, args.dropTopLoss) : all;
  const base = { file: args.file, method, rows: records.length, runs: all.length, dropTopLoss: args.dropTopLoss ?? 0 };

  if (method === 'isoflop') {
    const fit: StudyFit = fitStudy(kept, {
      isoflop: args.budgets ? { budgets: args.budgets } : {},
      frontier: { resamples: args.bootstrap ?? 10_000, seed: args.seed ?? 0, ...(args.computeRange ? { computeRange: args.computeRange } : {}) },
    });
    if (args.out) await writeReport(args.out, fit);
    const lines = [`${base.runs} runs, ${fit.runsUsed} used (${fit.runIssues.length} dropped)`, '', 'group      α_M                       α_D                       α_L'];
    for (const r of fit.exponentTable) lines.push(`${r.group.padEnd(10)} ${formatInterval(r.alphaM).padEnd(25)} ${formatInterval(r.alphaD).padEnd(25)} ${formatInterval(r.alphaL)}`);
    for (const i of fit.frontierIssues) lines.push(`not fitted: ${i.group}/${i.quantity}: ${i.message}`);
    return { json: { ...base, ...(JSON.parse(JSON.stringify(fit)) as Record<string, unknown>) }, text: lines.join('\n') };
  }

  const { runs, issues } = resolveRuns(kept);
  const groups = [...new Set(runs.map((r) => r.group))].sort();
  const sizeIsParams = runs.every((r) => r.params !== undefined);
  const results: Record<string, unknown> = {};
  const lines = [`${base.runs} runs, ${runs.length} used (${issues.length} invalid, ${all.length - kept.length} dropped as outliers); method ${method}`, ''];
  if (!args.dropTopLoss) {
    // Approach 3 is sensitive to a few high-loss runs (on the Chinchilla data, B = 12846 without the rule, 2143 with it).
    lines.splice(1, 0, 'note: no outlier rule (--drop-top-loss 0); Epoch AI\'s replication of Chinchilla keeps losses below the 5th largest (--drop-top-loss 5), which changes B several-fold on that data');
  }
  lines.push('group      A           B           E         alpha     beta      a=β/(α+β)  seconds');
  for (const group of groups) {
    const pts = runs.filter((r) => r.group === group).map((r) => ({ n: r.params ?? r.flopsPerToken, d: r.tokens, loss: r.loss }));
    const t0 = performance.now();
    const fit = method === 'approach3' ? fitApproach3(pts) : fitApproach3Mle(pts);
    const seconds = (performance.now() - t0) / 1000;
    const summary = lawSummary(fit, sizeIsParams);
    results[group] = { ...fit, ...summary, runs: pts.length, seconds };
    const a = (summary.allocation as { a: number }).a;
    lines.push(`${group.padEnd(10)} ${fit.A.toPrecision(6).padEnd(11)} ${fit.B.toPrecision(6).padEnd(11)} ${fit.E.toPrecision(6).padEnd(9)} ${fit.alpha.toPrecision(5).padEnd(9)} ${fit.beta.toPrecision(5).padEnd(9)} ${a.toPrecision(4).padEnd(10)} ${seconds.toFixed(2)}`);
  }
  for (const i of issues) lines.push(`invalid run ${i.id}: ${i.message}`);
  if (args.out) {
    mkdirSync(args.out, { recursive: true });
    writeFileSync(join(args.out, 'fit.json'), JSON.stringify({ ...base, groups: results }, null, 2));
    writeFileSync(join(args.out, 'report.md'), `# ${method} fit of ${args.file}\n\n\`\`\`\n${lines.join('\n')}\n\`\`\`\n`);
  }
  return { json: { ...base, used: runs.length, invalid: issues, groups: results }, text: lines.join('\n') };
}

async function writeReport(dir: string, fit: StudyFit): Promise<void> {
  // Plotting lives in a subpath so the numeric core (and `--json` without --out) never loads vega.
  const { renderReport } = await import('@difflm/scaling-fit/report');
  const r = await renderReport(fit);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.md'), r.markdown);
  writeFileSync(join(dir, 'fit.json'), r.json);
  for (const [name, svg] of Object.entries(r.svgs)) writeFileSync(join(dir, name), svg);
  for (const [name, png] of Object.entries(r.pngs)) writeFileSync(join(dir, name), png);
}

function numberFlag(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (v.trim() === '') throw new Error(`--${name} needs a value (got an empty one, as from "--${name}=")`);
  const x = Number(v);
  if (!Number.isFinite(x)) throw new Error(`--${name} must be a number, got "${v}"`);
  return x;
}

function numberList(name: string, v: string | undefined): number[] | undefined {
  if (v === undefined) return undefined;
  if (v.trim() === '') throw new Error(`--${name} needs a value (got an empty one, as from "--${name}=")`);
  return v.split(',').map((s) => numberFlag(name, s.trim())!);
}

/** Translate citty's parsed flags into FitArgs (exported for tests). */
export function fitArgsFromFlags(a: Record<string, string | boolean | undefined>): FitArgs {
  const s = (k: string): string | undefined => (typeof a[k] === 'string' ? (a[k] as string) : undefined);
  const method = (s('method') ?? 'approach3') as FitMethod;
  if (!['approach3', 'approach3-mle', 'isoflop'].includes(method)) throw new Error(`--method must be approach3, approach3-mle or isoflop, got "${method}"`);
  const format = s('format');
  if (format !== undefined && format !== 'csv' && format !== 'jsonl') throw new Error(`--format must be csv or jsonl, got "${format}"`);
  const columns: ColumnMapping = {};
  const map: [keyof ColumnMapping, string][] = [
    ['params', 'size-col'], ['flopsPerToken', 'flops-per-token-col'], ['tokens', 'tokens-col'], ['compute', 'compute-col'], ['loss', 'loss-col'],
    ['group', 'group-col'], ['id', 'id-col'], ['batchSize', 'batch-col'], ['learningRate', 'lr-col'],
  ];
  for (const [field, flag] of map) { const v = s(flag); if (v) columns[field] = v; }
  const range = numberList('compute-range', s('compute-range'));
  if (range && range.length !== 2) throw new Error('--compute-range takes two numbers: min,max');
  const file = s('file');
  if (!file) throw new Error('give the runs file: difflm fit <runs.csv|runs.jsonl>');
  // No column flags: the ScalingRun field names, each optional (DEFAULT_COLUMNS is matched leniently).
  const args: FitArgs = { file, method, columns: Object.keys(columns).length ? columns : DEFAULT_COLUMNS };
  if (format) args.format = format;
  const drop = numberFlag('drop-top-loss', s('drop-top-loss'));
  if (drop !== undefined) args.dropTopLoss = drop;
  const bootstrap = numberFlag('bootstrap', s('bootstrap'));
  if (bootstrap !== undefined) args.bootstrap = bootstrap;
  const seed = numberFlag('seed', s('seed'));
  if (seed !== undefined) args.seed = seed;
  const budgets = numberList('budgets', s('budgets'));
  if (budgets) args.budgets = budgets;
  if (range) args.computeRange = [range[0]!, range[1]!];
  const out = s('out');
  if (out) args.out = out;
  return args;
}

export default defineCommand({
  meta: { name: 'fit', description: 'Fit scaling laws (Approach 3, its maximum-likelihood variant, or IsoFLOP frontiers) to a CSV/JSONL of runs.' },
  args: {
    file: { type: 'positional', description: 'runs table (.csv or .jsonl)', required: true },
    format: { type: 'string', description: 'csv | jsonl (default: from the extension)' },
    method: { type: 'string', description: 'approach3 | approach3-mle | isoflop', default: 'approach3' },
    'size-col': { type: 'string', description: 'column with the parameter count N' },
    'flops-per-token-col': { type: 'string', description: 'column with FLOPs per token M (instead of N)' },
    'tokens-col': { type: 'string', description: 'column with training tokens D' },
    'compute-col': { type: 'string', description: 'column with training compute C (D = C / 6N or C / M)' },
    'loss-col': { type: 'string', description: 'column with the final loss' },
    'group-col': { type: 'string', description: 'column to group runs by (one fit per group)' },
    'id-col': { type: 'string', description: 'run id column (rows sharing an id form a loss curve)' },
    'batch-col': { type: 'string', description: 'batch size column (tokens)' },
    'lr-col': { type: 'string', description: 'learning-rate column' },
    'drop-top-loss': { type: 'string', description: "outlier rule: keep loss < the k-th largest (Epoch: 5)" },
    budgets: { type: 'string', description: 'isoflop: comma-separated FLOP budgets (default: auto)' },
    'compute-range': { type: 'string', description: 'isoflop: min,max budget for the frontier fits' },
    bootstrap: { type: 'string', description: 'isoflop: bootstrap resamples (default 10000)' },
    seed: { type: 'string', description: 'bootstrap seed (default 0)' },
    json: { type: 'boolean', description: 'print JSON instead of a table' },
    out: { type: 'string', description: 'directory for report.md, fit.json and plots' },
  },
  async run({ args }) {
    const out = await runFit(fitArgsFromFlags(args as Record<string, string | boolean | undefined>));
    process.stdout.write(args.json ? `${JSON.stringify(out.json, null, 2)}\n` : `${out.text}\n`);
  },
});
