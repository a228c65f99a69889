// `difflm report`: fit a study with @difflm/scaling-fit (IsoFLOP parabolas per noise type, M*/D*/L*
// frontiers with bootstrap bands, the Table-1 exponent table, hyperparameter laws) and write
// report.md, one SVG and PNG per figure, report.json with every number and report.html (the same, interactive), under
// <study dir>/report/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evalQuadratic, fitStudy, formatInterval, type ScalingRun, type StudyFit } from '@difflm/scaling-fit';
import type { GridPoint, LossMeasure } from './grid-points.js';
import { measuredPoints } from './study-designs.js';
import { noiseStructure, type NoiseStructure } from './noise-structure.js';
import { lrCurves, lrSweepSpec, type LrCurve } from './lr-sweep.js';
import { escapeMarkdown } from './markdown-escape.js';
import { reportHtml } from './report-html.js';
import { formatPaperInterval, PAPER_TABLE_1 } from './paper-reference.js';
import { studyPaths } from './run-study.js';
import { studyFindings, type StudyFindings } from './study-findings.js';
import { loadStudyResults, poolStudyResults, type FinishedRun } from './study-results.js';

export interface StudyReportOptions {
  readonly dir: string;
  /** Other directories of the same study (other seeds or machines) whose runs are pooled with this one's. */
  readonly pool?: readonly string[];
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
  readonly data: { study: string; design: string; sizeOffsets: ReturnType<typeof sizeOffsets>; missingReads: number; noiseStructure: NoiseStructure[]; finishedRuns: number; missingRuns: number; lossMeasure: LossMeasure; runs: unknown[]; points: unknown[]; lrSweep: LrCurve[]; fit: StudyFit | null; rawFit: StudyFit | null; findings: StudyFindings | null; fitError: string | null };
}

function runTable(runs: readonly FinishedRun[]): string[] {
  const out = ['## Runs', '', '| run | noise | model | budget C | tokens D | batch | lr | seed | train ELBO EMA | held-out ELBO ± SE | wall s |', '|---|---|---|---|---|---|---|---|---|---|---|'];
  for (const r of runs) {
    const c = r.config;
    const evalElbo = r.metrics?.evalElbo, se = r.metrics?.evalStandardError;
    out.push(`| ${r.id} | ${escapeMarkdown(c.noiseLabel)} | ${c.model.name} | ${c.budgetFlops.toExponential(2)} | ${c.tokens.toExponential(2)} | ${c.batchSequences}×${c.seqLen} | ${c.lr.toPrecision(3)} | ${c.seed} | ${(r.metrics?.trainElboEma ?? r.finalLoss!).toFixed(4)} | ${evalElbo === undefined ? '—' : `${evalElbo.toFixed(4)}${se === undefined ? '' : ` ± ${se.toFixed(4)}`}`} | ${r.wallSeconds?.toFixed(1) ?? '—'} |`);
  }
  return out;
}

const LOSS_NAMES: Record<LossMeasure, string> = {
  'held-out': 'the final held-out ELBO in nats per token, on one evaluation set shared by every run (the same sequences, λ grid and noise draws)',
  'train-ema': 'the final training ELBO in nats per token (EMA γ = 0.96, the paper\'s choice, SPEC §5.2)',
};

const CURVE_LOSS_NAMES: Record<LossMeasure, string> = {
  'held-out': 'read along each run (the curve design: one constant-LR run per size, no cooldown): the held-out ELBO in nats per token at the step where the run has spent the budget, on one evaluation set shared by every run and read',
  'train-ema': 'read along each run (the curve design: one constant-LR run per size, no cooldown) off the curve L(S) = C + B·S^−b fitted to its training ELBO (EMA γ = 0.96) after the warmup, at the tokens of each budget (the paper\'s reading, SPEC §5.2)',
};

/** How the curve design's training-curve reads were fitted (design.curveFit). */
const CURVE_FIT_NOTE: Record<string, string> = {
  'through-ema': '; the law\'s own EMA is fitted to the logged EMA, so a short run\'s curve is not read ~24 steps late',
  ema: '; the logged EMA is fitted as if it were the loss (design.curveFit "ema"), which reads a run of a few hundred steps ~24 steps late',
};

const BRANCH_LOSS_NAME = 'read along each run (the branches design: one constant-LR trunk per size): at each budget, the held-out ELBO in nats per token of a short cooldown branch that left the trunk and ends where the budget is spent (a finished model), on one evaluation set shared by every run and branch';

function noiseFloorSection(points: readonly GridPoint[], findings: StudyFindings | null): string[] {
  const reps = points.filter((p) => p.runs.length > 1);
  const out = ['## Noise floor', ''];
  if (reps.length === 0) {
    out.push('No grid point was replicated, so the run-to-run spread was not measured (add `"replicates"` to the study).', '');
  } else {
    out.push('Replicated grid points (the same run under other seeds: initialisation, data order and noise draws):', '',
      '| noise | model | budget C | runs | mean loss | spread (sd) | spread % | evaluation SE of the mean |', '|---|---|---|---|---|---|---|---|');
    for (const p of reps) out.push(`| ${escapeMarkdown(p.noise)} | ${p.model} | ${p.budget.toExponential(2)} | ${p.runs.length} | ${p.loss.toFixed(4)} | ${p.spread!.toFixed(4)} | ${((p.spread! / p.loss) * 100).toFixed(2)}% | ${p.standardError === undefined ? '—' : p.standardError.toFixed(4)} |`);
    out.push('');
  }
  if (findings?.maxStandardErrorPercent !== undefined) out.push(`Largest held-out standard error of a single run: ${findings.maxStandardErrorPercent.toFixed(3)}% of its loss.`, '');
  return out;
}

function noiseStructureSection(structure: readonly NoiseStructure[], design: string): string[] {
  if (structure.length === 0) return [];
  const f = (v: number | undefined): string => (v === undefined ? '—' : v.toFixed(2));
  const out = ['## Noise structure', '',
    'From the replicated sizes (every seed of every replicated size, at every budget read on all of them): one run\'s noise (sd of ln L across seeds), the share of it a run carries along its curve (persistence: the covariance of a seed\'s deviations at two budgets of one run over their variance; between neighbouring budgets, and between the first and the last), and the share common to every size trained under the same seed (same data order and noise draws), which cancels in each IsoFLOP vertex. Three seeds pin each ratio down roughly; the pairs behind it are listed.', '',
    '| noise | seeds | sizes | budgets | run noise | persistence (all / neighbours / ends) | shared across sizes | pairs (along run / across sizes) |', '|---|---|---|---|---|---|---|---|'];
  for (const s of structure) {
    out.push(`| ${escapeMarkdown(s.group)} | ${s.seeds.join(', ')} | ${s.sizes.join(', ')} | ${s.budgets.length} | ${(s.relativeSpread * 100).toFixed(2)}% | ${f(s.persistence)} / ${f(s.persistenceAdjacent)} / ${f(s.persistenceEnds)} | ${f(s.sharedAcrossSizes)} | ${s.pairs.alongRun} / ${s.pairs.acrossSizes} |`);
  }
  if (design !== 'separate') out.push('', 'The run-noise intervals draw the persistent share of each run\'s noise once per run (every budget read off it moves together) and the rest per read.');
  return [...out, ''];
}

/**
 * Each size's mean residual (ln L, in %) about its budgets' parabolas (M axis), over the usable budgets it is read
 * at: where one run per size is read at many budgets, a size that sits above or below every parabola by the same
 * amount shows a persistent offset — its run's luck, or an irregularity of the model family at that width (which
 * a second seed tells apart: luck changes sign, an irregularity does not).
 */
export function sizeOffsets(fit: StudyFit): { group: string; flopsPerToken: number; meanPercent: number; budgets: number }[] {
  const out: { group: string; flopsPerToken: number; meanPercent: number; budgets: number }[] = [];
  for (const [group, budgets] of Object.entries(fit.isoflop)) {
    const bySize = new Map<number, number[]>();
    for (const b of budgets) {
      const q = b.parabolas.flopsPerToken;
      if (!b.ok || !q) continue;
      for (const p of b.points) {
        const r = (Math.log(p.loss) - evalQuadratic(q, Math.log(p.flopsPerToken))) * 100;
        bySize.set(p.flopsPerToken, [...(bySize.get(p.flopsPerToken) ?? []), r]);
      }
    }
    for (const [m, rs] of [...bySize.entries()].sort((a, b) => a[0] - b[0])) out.push({ group, flopsPerToken: m, meanPercent: rs.reduce((a, v) => a + v, 0) / rs.length, budgets: rs.length });
  }
  return out;
}

function sizeOffsetSection(fit: StudyFit, design: string, structure: readonly NoiseStructure[]): string[] {
  if (design === 'separate') return [];
  const offsets = sizeOffsets(fit);
  if (offsets.length === 0) return [];
  const compare = [...new Set(offsets.map((o) => o.group))].map((g) => {
    const os = offsets.filter((o) => o.group === g && o.budgets > 1);
    const rms = Math.sqrt(os.reduce((a, o) => a + o.meanPercent ** 2, 0) / Math.max(1, os.length));
    const seeds = structure.find((x) => x.group === g);
    return `${escapeMarkdown(g)}: rms offset ${rms.toFixed(2)}%${seeds ? ` against a seed spread of ${(seeds.relativeSpread * 100).toFixed(2)}% at the replicated size${rms > 1.5 * seeds.relativeSpread * 100 ? ' — more than seed noise explains' : ''}` : ''}`;
  });
  const groups = [...new Set(offsets.map((o) => o.group))];
  const sizes = [...new Set(offsets.map((o) => o.flopsPerToken))].sort((a, b) => a - b);
  const out = ['## Offsets per size', '', 'Each size\'s mean residual about the IsoFLOP parabolas (ln L, %) over the usable budgets it is read at (count in brackets). One run per size is read at many budgets, so a size that sits above or below every parabola carries a persistent offset: its run\'s luck, or an irregularity of the model family at that width. A second seed tells them apart (luck changes sign; an irregularity does not).', '',
    `${compare.join('; ')}.`, '',
    `| M (FLOPs/token) | ${groups.map(escapeMarkdown).join(' | ')} |`, `|---|${groups.map(() => '---').join('|')}|`];
  for (const m of sizes) {
    out.push(`| ${m.toExponential(2)} | ${groups.map((g) => { const o = offsets.find((x) => x.group === g && x.flopsPerToken === m); return o ? `${o.meanPercent >= 0 ? '+' : ''}${o.meanPercent.toFixed(2)}% (${o.budgets})` : '—'; }).join(' | ')} |`);
  }
  return [...out, ''];
}

/** Per group, the persistence the run-noise bootstrap uses: measured (clamped to [0, 1]) where losses are read along runs. */
function persistenceOf(structure: readonly NoiseStructure[], design: string): Record<string, number> | undefined {
  if (design === 'separate') return undefined;
  const out: Record<string, number> = {};
  for (const s of structure) if (s.persistence !== undefined) out[s.group] = Math.min(1, Math.max(0, s.persistence));
  return Object.keys(out).length ? out : undefined;
}

function tableOneSection(fit: StudyFit): string[] {
  const withNoise = fit.exponentTable.some((r) => r.runNoise?.alphaM);
  const out = ['## Exponents beside the paper\'s Table 1', '',
    withNoise
      ? 'This study, with two 95% intervals: "run noise" redraws every run\'s loss from the measured run-to-run spread and refits the parabolas and the laws (a parametric bootstrap over runs; the verdict uses it); "budgets" resamples the parabola vertices as the paper does (with 4–5 budgets a resample holds only 2–3 distinct ones, and it does not use what is known about each run\'s noise). The paper: Method 1, sq. fit, 2σ (SPEC §5.4).'
      : 'This study (95% bootstrap intervals over budgets, as the paper computes them) and the paper (Method 1, sq. fit, 2σ, SPEC §5.4):',
    ''];
  if (withNoise) {
    out.push('| noise | α_M (run noise) | α_M (budgets) | α_M (paper) | α_D (run noise) | α_D (paper) | α_L (run noise) | α_L (budgets) | α_L (paper) |', '|---|---|---|---|---|---|---|---|---|');
    for (const r of fit.exponentTable) {
      const p = PAPER_TABLE_1[r.group];
      out.push(`| ${escapeMarkdown(r.group)} | ${formatInterval(r.runNoise?.alphaM, 3)} | ${formatInterval(r.alphaM, 3)} | ${p ? formatPaperInterval(p.alphaM) : '—'} | ${formatInterval(r.runNoise?.alphaD, 3)} | ${p ? formatPaperInterval(p.alphaD) : '—'} | ${formatInterval(r.runNoise?.alphaL, 4)} | ${formatInterval(r.alphaL, 4)} | ${p ? formatPaperInterval(p.alphaL) : '—'} |`);
    }
  } else {
    out.push('| noise | α_M (here) | α_M (paper) | α_D (here) | α_D (paper) | α_L (here) | α_L (paper) |', '|---|---|---|---|---|---|---|');
    for (const r of fit.exponentTable) {
      const p = PAPER_TABLE_1[r.group];
      out.push(`| ${escapeMarkdown(r.group)} | ${formatInterval(r.alphaM, 3)} | ${p ? formatPaperInterval(p.alphaM) : '—'} | ${formatInterval(r.alphaD, 3)} | ${p ? formatPaperInterval(p.alphaD) : '—'} | ${formatInterval(r.alphaL, 3)} | ${p ? formatPaperInterval(p.alphaL) : '—'} |`);
    }
  }
  out.push('');
  for (const [group, r] of Object.entries(fit.runNoise ?? {})) {
    if ('error' in r) { out.push(`- ${escapeMarkdown(group)}: no run-noise interval (${r.error}).`); continue; }
    const pctOf = (v: number | undefined): string => (v === undefined ? 'not measured' : `${(v * 100).toFixed(2)}%`);
    const src = r.noise.source === 'given' ? `a given spread of ${pctOf(r.noise.relativeSpread)} per run`
      : r.noise.source === 'standard-error' ? 'each run\'s evaluation standard error only (no replicates and no residual degrees of freedom: training noise is left out, so this interval is too narrow)'
      : `${pctOf(r.noise.relativeSpread)} per run, the larger of the replicates' pooled spread (${pctOf(r.noise.replicateSpread)}, ${r.noise.replicatedPoints} point(s)) and the runs' scatter about their parabolas (${pctOf(r.noise.residualSpread)})`;
    const lof = r.lackOfFit ? `; the M* vertices scatter about the law by ${r.lackOfFit.observedRms.toFixed(3)} (rms, ln units) where the noise predicts ${r.lackOfFit.predictedRms.toFixed(3)}${r.lackOfFit.observedRms > 2 * r.lackOfFit.predictedRms ? ' — more than the noise explains, so the interval understates the uncertainty' : ''}` : '';
    out.push(`- ${escapeMarkdown(group)}: run noise from ${src}; ${r.budgets} budgets, ${r.resamples} resamples, ${r.failures} with a parabola that opens downward (${((r.failures / r.resamples) * 100).toFixed(1)}%)${lof}.`);
  }
  return [...out, ''];
}

function jointSection(fit: StudyFit): string[] {
  if (!fit.joint) return [];
  const out = ['## α_M two ways: IsoFLOP vertices and a joint fit of every point', '',
    'The IsoFLOP method fits a parabola per budget and a power law through the vertices; the joint fit (Approach 3 by variable projection, Czech et al. 2026) fits L(M, D) = E + A·M^−α + B·D^−β to every point at once, so α_M = β/(α+β). Its 95% interval is the run-noise bootstrap of the IsoFLOP column, applied to every point: each resample redraws every run\'s losses from the measured noise (the persistent share once per run) and refits, the design fixed. On synthetic quick studies it covered the true α_M in 97.5% of studies at ±0.155 where the estimates spread ±0.142 (ADR 0006); a bootstrap that resamples whole runs, shown beside it, covered 100% at twice the width, since with a handful of sizes a resample that loses the smallest or largest moves the fit far. The tied form (α = β, so α_M = ½) is the baseline a free fit must beat.', '',
    '| noise | α_M (IsoFLOP, run noise) | α_M (joint, run noise) | α_M (joint, runs resampled) | α | β | E | rms residual (free / tied) | runs |', '|---|---|---|---|---|---|---|---|---|'];
  for (const r of fit.exponentTable) {
    const j = fit.joint[r.group];
    if (!j) continue;
    if ('error' in j) { out.push(`| ${escapeMarkdown(r.group)} | ${formatInterval(r.runNoise?.alphaM ?? r.alphaM, 3)} | — (${escapeMarkdown(j.error)}) | | | | | | |`); continue; }
    const f = j.free, n = j.runNoise;
    const iv = n ?? f;
    out.push(`| ${escapeMarkdown(r.group)} | ${formatInterval(r.runNoise?.alphaM ?? r.alphaM, 3)} | ${n ? formatInterval(n.intervals.allocation, 3) : '—'} | ${formatInterval(f.intervals.allocation, 3)} | ${formatInterval(iv.intervals.alpha, 3)} | ${formatInterval(iv.intervals.beta, 3)} | ${f.fit.E.toFixed(3)} | ${(f.fit.rmsRelative * 100).toFixed(2)}% / ${(j.tied.rmsRelative * 100).toFixed(2)}% | ${f.trajectories} (failed resamples: ${n ? `run noise ${n.failures}, ` : ''}runs resampled ${f.failures} of ${f.resamples}) |`);
  }
  return [...out, ''];
}

function lrSection(curves: readonly LrCurve[]): string[] {
  if (curves.length === 0) return [];
  const out = ['## Learning-rate transfer', '', 'Loss against the base LR for each swept (noise, size, budget); with CompleteP the optimum should sit at the same base LR for every width.', '',
    '| noise | model | budget C | LRs swept | best LR (loss) | optimum |', '|---|---|---|---|---|---|'];
  for (const c of curves) {
    const best = c.points.reduce((a, b) => (b.loss < a.loss ? b : a));
    out.push(`| ${escapeMarkdown(c.noise)} | ${c.model} | ${c.budget.toExponential(2)} | ${c.points.map((p) => p.lr.toPrecision(3)).join(', ')} | ${best.lr.toPrecision(3)} (${best.loss.toFixed(4)}) | ${c.note} |`);
  }
  const opt = curves.filter((c) => c.optimum);
  if (opt.length >= 2) {
    const lrs = opt.map((c) => c.optimum!.lr);
    out.push('', `The optima span a factor ${(Math.max(...lrs) / Math.min(...lrs)).toFixed(2)} in base LR across widths ${opt.map((c) => c.width).join(', ')}.`);
  }
  return [...out, '', '![lr-sweep](lr-sweep.svg)', ''];
}

function gapSection(f: StudyFindings): string[] {
  const noises = [...new Set(f.budgets.flatMap((b) => Object.keys(b.lossByNoise)))];
  const others = noises.filter((n) => n !== f.reference);
  const out = ['## Loss per budget and the gap between noise types', '', `L* per budget (the parabola's minimum where usable, else the best run, marked †); gaps are relative to ${escapeMarkdown(f.reference)}.`, '',
    `| budget C | ${noises.map((n) => `L* ${escapeMarkdown(n)}`).join(' | ')} | ${others.map((n) => `gap ${escapeMarkdown(n)}`).join(' | ')} | ordering (best first) |`,
    `|---|${noises.map(() => '---').join('|')}|${others.map(() => '---').join('|')}|---|`];
  for (const b of f.budgets) {
    const cells = noises.map((n) => { const v = b.lossByNoise[n]; return v ? `${v.loss.toFixed(4)}${v.source === 'best run' ? '†' : ''}` : '—'; });
    const gaps = others.map((n) => (b.gapPercent[n] === undefined ? '—' : `${b.gapPercent[n]! >= 0 ? '+' : ''}${b.gapPercent[n]!.toFixed(2)}%`));
    out.push(`| ${b.budget.toExponential(2)} | ${cells.join(' | ')} | ${gaps.join(' | ')} | ${b.order.map(escapeMarkdown).join(' < ')} |`);
  }
  return [...out, ''];
}

/** Target losses for B*(D) when the study sweeps batch sizes: the quartiles of the final losses. */
function batchTargets(points: readonly GridPoint[]): { batchSizeTargets?: number[] } {
  if (new Set(points.map((p) => p.runs[0]!.run.config.batchSequences)).size < 3) return {};
  const losses = points.map((p) => p.loss).sort((a, b) => a - b);
  return { batchSizeTargets: [0.25, 0.5, 0.75].map((q) => losses[Math.floor(q * (losses.length - 1))]!) };
}

/** Nest a scaling-fit markdown document under the study report's headings. */
function demote(md: string, title: string): string {
  return md.replace(/^# .*$/m, `## ${title}`).replace(/^## (?!Scaling-law fit)/gm, '### ');
}

const finite = (_k: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v);

export async function writeStudyReport(opts: StudyReportOptions): Promise<StudyReportFiles> {
  const pooledResults = opts.pool?.length ? poolStudyResults([opts.dir, ...opts.pool]) : undefined;
  const results = pooledResults ?? loadStudyResults(opts.dir);
  if (results.runs.length === 0) throw new Error(`study ${results.definition.name} has no finished runs yet; run \`difflm study\` first`);
  const outDir = opts.outDir ?? studyPaths(opts.dir).report;
  mkdirSync(outDir, { recursive: true });
  const def = results.definition;
  const { measure, points, scalingRuns, budgets, missingReads } = measuredPoints(results);
  const design = def.design.kind;
  const structure = noiseStructure(points);
  const persistence = persistenceOf(structure, design);
  let fit: StudyFit | null = null;
  let findings: StudyFindings | null = null;
  let fitError: string | null = null;
  try {
    if (scalingRuns.length === 0) throw new Error(`no finished run has a ${measure === 'held-out' ? 'held-out ELBO (evaluation.batches must be ≥ 1)' : 'training ELBO'}`);
    fit = fitStudy(scalingRuns, {
      isoflop: { budgets },
      frontier: { resamples: opts.bootstrap ?? 2000, seed: def.seed },
      runNoise: { resamples: opts.bootstrap ?? 2000, seed: def.seed, ...(persistence ? { persistence } : {}) },
      joint: { resamples: Math.min(opts.bootstrap ?? 2000, 500), seed: def.seed },
      ...batchTargets(points),
    });
    findings = studyFindings(fit, points);
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
      rawFit = fitStudy(scalingRuns, { isoflop: { budgets }, frontier: { source: 'raw', resamples: opts.bootstrap ?? 2000, seed: def.seed } });
      const raw = await renderReport(rawFit, { png: opts.png ?? true });
      for (const [name, svg] of Object.entries(raw.svgs)) if (name.startsWith('frontier-')) write(`raw-${name}`, svg);
      for (const [name, png] of Object.entries(raw.pngs)) if (name.startsWith('frontier-')) write(`raw-${name}`, png);
      const rawMd = raw.markdown.split(/\n(?=## IsoFLOP budgets)/)[0]!.replace(/!\[frontier/g, '![raw-frontier');
      fitMarkdown += `\n${demote(rawMd, 'Scaling-law fit ("raw": best observed run per budget, SPEC §5.3)')}`;
      const figures = Object.keys(raw.svgs).filter((n) => n.startsWith('frontier-')).map((n) => `![raw-${n.replace(/\.svg$/, '')}](raw-${n})`);
      if (figures.length) fitMarkdown += `\n${figures.join('\n\n')}\n`;
    }
  }
  const curves = lrCurves(points);
  if (curves.length) {
    const { specToSvg, svgToPng } = await import('@difflm/scaling-fit/report');
    const svg = await specToSvg(lrSweepSpec(curves));
    write('lr-sweep.svg', svg);
    if (opts.png ?? true) write('lr-sweep.png', svgToPng(svg, 2));
  }
  const header = [
    `# Study ${escapeMarkdown(def.name)}`, '', escapeMarkdown(def.description ?? ''), '',
    `${results.runs.length} finished runs${results.missing ? `, ${results.missing} not finished (not in this report)` : ''} at ${points.length} grid points; ` +
      `noise types ${[...new Set(results.runs.map((r) => r.config.noiseLabel))].map(escapeMarkdown).join(', ')}; budgets ${budgets.map((b) => b.toExponential(2)).join(', ')} FLOPs (non-embedding, Method 1). ` +
      `Losses are ${design === 'branches' ? BRANCH_LOSS_NAME : design === 'curve' ? `${CURVE_LOSS_NAMES[measure]}${measure === 'train-ema' ? CURVE_FIT_NOTE[(def.design as { curveFit?: string }).curveFit ?? 'through-ema'] ?? '' : ''}` : LOSS_NAMES[measure]}; replicate runs of a grid point are averaged, and error bars show the larger of the evaluation's standard error and the replicate spread.` +
      (missingReads ? ` ${missingReads} read(s) of finished runs could not be measured and are left out.` : '') +
      (pooledResults ? ` Pooled from ${pooledResults.pooled.length} directories of this study (${pooledResults.pooled.map((p) => `${escapeMarkdown(p.dir)}: seed ${p.seed}, ${p.runs} runs`).join('; ')}): each grid point averages their runs.` : ''),
    '',
    ...(findings ? ['## Verdict', '', findings.verdict, ''] : []),
    ...(fit ? tableOneSection(fit) : []),
    ...(fit ? jointSection(fit) : []),
    ...(findings ? gapSection(findings) : []),
    ...noiseFloorSection(points, findings),
    ...noiseStructureSection(structure, design),
    ...(fit ? sizeOffsetSection(fit, design, structure) : []),
    ...lrSection(curves),
  ];
  const data = {
    study: def.name, design, sizeOffsets: fit ? sizeOffsets(fit) : [], finishedRuns: results.runs.length, missingRuns: results.missing, missingReads, lossMeasure: measure, noiseStructure: structure,
    runs: results.runs.map((r) => ({ id: r.id, noise: r.config.noiseLabel, model: r.config.model.name, params: r.config.params, flopsPerToken: r.config.flopsPerToken, budgetFlops: r.config.budgetFlops, tokens: r.config.tokens, batchSequences: r.config.batchSequences, seqLen: r.config.seqLen, lr: r.config.lr, finalLoss: r.finalLoss, metrics: r.metrics, wallSeconds: r.wallSeconds, curve: r.curve })),
    points: points.map((p) => ({ noise: p.noise, model: p.model, budget: p.budget, loss: p.loss, spread: p.spread ?? null, standardError: p.standardError ?? null, runs: p.runs.map((m) => m.run.id) })),
    lrSweep: curves,
    fit, rawFit, findings, fitError,
  };
  write('report.json', `${JSON.stringify(data, finite, 2)}\n`);
  write('report.html', reportHtml({ ...data, description: def.description ?? '', runs: results.runs.map((r) => ({ id: r.id, noise: r.config.noiseLabel, model: r.config.model.name, batchSequences: r.config.batchSequences, seqLen: r.config.seqLen, lr: r.config.lr, curve: r.curve })) }));
  write('report.md', `${[...header, fitMarkdown, '', ...runTable(results.runs)].join('\n')}\n`);
  return { markdown: join(outDir, 'report.md'), files, data };
}
