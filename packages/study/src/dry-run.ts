// `difflm study --dry-run`: the grid, every run's FLOPs and tokens, the totals and an estimated wall
// time per backend for a given number of parallel workers.
import { estimateRunSeconds, estimateRunSecondsMeasured, type BackendThroughput, type MeasuredCost } from './throughput.js';
import type { BracketWarning, OptimumPrediction } from './bracket-check.js';
import type { StudyPlan } from './study-plan.js';
import { trainedTokens } from './run-config.js';
import type { PrecisionPrediction } from './design-simulation.js';

export interface DryRunEstimate {
  readonly backend: string;
  readonly source: string;
  readonly flopsPerSec: number;
  /** Σ run seconds (one process). */
  readonly cpuSeconds: number;
  /** Longest-first greedy schedule over `workers` processes. */
  readonly wallSeconds: number;
}

export interface DryRunSummary {
  readonly study: string;
  readonly runs: readonly { id: string; noise: string; model: string; params: number; flopsPerToken: number; budgetFlops: number; tokens: number; flops: number; batchSequences: number; steps: number; lr: number; warmupSteps: number; reads?: number }[];
  readonly totalRuns: number;
  readonly totalTokens: number;
  readonly totalFlops: number;
  readonly workers: number;
  readonly estimates: readonly DryRunEstimate[];
  /** Backends of the stored table that cannot run here, with why (they get no estimate). */
  readonly unavailable?: readonly { readonly backend: string; readonly reason: string }[];
  /** The optimum the grid was checked against, and the budgets whose sizes do not bracket it. */
  readonly bracket?: { readonly prediction: OptimumPrediction; readonly warnings: readonly BracketWarning[] };
  /** The α_M precision predicted from the study's prior (law and run noise), per noise type. */
  readonly precision?: readonly PrecisionPrediction[];
}

function makespan(seconds: number[], workers: number): number {
  const lanes = new Array<number>(Math.max(1, workers)).fill(0);
  for (const s of [...seconds].sort((a, b) => b - a)) {
    let i = 0;
    for (let j = 1; j < lanes.length; j++) if (lanes[j]! < lanes[i]!) i = j;
    lanes[i]! += s;
  }
  return Math.max(...lanes);
}

export function summarizeDryRun(plan: StudyPlan, throughputs: readonly BackendThroughput[], workers: number, measured?: MeasuredCost, bracket?: DryRunSummary['bracket'], unavailable?: DryRunSummary['unavailable'], precision?: readonly PrecisionPrediction[]): DryRunSummary {
  const runs = plan.runs.map(({ id, config: c }) => ({
    id, noise: c.noiseLabel, model: c.model.name, params: c.params, flopsPerToken: c.flopsPerToken, budgetFlops: c.budgetFlops,
    tokens: c.tokens, flops: trainedTokens(c) * c.flopsPerToken, batchSequences: c.batchSequences, steps: c.steps, lr: c.lr, warmupSteps: c.warmupSteps,
    ...(c.reads ? { reads: c.reads.length } : {}),
  }));
  const estimates = throughputs.map((t) => {
    const secs = plan.runs.map((r) => estimateRunSeconds(r.config, t.flopsPerSec));
    return { backend: t.backend, source: t.source, flopsPerSec: t.flopsPerSec, cpuSeconds: secs.reduce((a, b) => a + b, 0), wallSeconds: makespan(secs, workers) };
  });
  if (measured) {
    const secs = plan.runs.map((r) => estimateRunSecondsMeasured(r.config, measured));
    estimates.unshift({
      backend: 'measured', flopsPerSec: measured.flopsPerSec, cpuSeconds: secs.reduce((a, b) => a + b, 0), wallSeconds: makespan(secs, workers),
      source: `fitted on ${measured.runs} finished runs of this study on this machine: ${(measured.secondsPerStep * 1000).toFixed(0)} ms/step + FLOPs at ${(measured.flopsPerSec / 1e9).toFixed(1)} GFLOP/s`,
    });
  }
  return { study: plan.name, runs, totalRuns: runs.length, totalTokens: plan.totalTokens, totalFlops: plan.totalFlops, workers, estimates, ...(unavailable?.length ? { unavailable } : {}), ...(bracket ? { bracket } : {}), ...(precision?.length ? { precision } : {}) };
}

export function formatDuration(s: number): string {
  if (s < 90) return `${s.toFixed(0)} s`;
  if (s < 5400) return `${(s / 60).toFixed(1)} min`;
  if (s < 172800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} days`;
}

const e = (x: number) => x.toExponential(2);

/** Plain-text table of a dry run. */
export function formatDryRun(s: DryRunSummary): string {
  const reads = s.runs.some((r) => r.reads !== undefined);
  const head = ['run', 'noise', 'model', 'P', 'M FLOPs/tok', 'budget C', 'tokens D', 'FLOPs M·D', 'batch', 'steps', 'lr', 'warmup', ...(reads ? ['budgets read'] : [])];
  const rows = s.runs.map((r) => [r.id, r.noise, r.model, e(r.params), e(r.flopsPerToken), e(r.budgetFlops), e(r.tokens), e(r.flops), String(r.batchSequences), String(r.steps), r.lr.toPrecision(3), String(r.warmupSteps), ...(reads ? [String(r.reads ?? 0)] : [])]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [`study ${s.study}: ${s.totalRuns} runs`, line(head), ...rows.map(line), ''];
  out.push(`total: ${s.totalRuns} runs, ${e(s.totalTokens)} tokens, ${e(s.totalFlops)} FLOPs (non-embedding, Method 1)`);
  out.push(`estimated wall time with ${s.workers} worker process(es):`);
  for (const est of s.estimates) out.push(`  ${est.backend.padEnd(8)} ${formatDuration(est.wallSeconds).padStart(10)}  (${(est.flopsPerSec / 1e9).toFixed(1)} GFLOP/s per process; ${est.source})`);
  for (const u of s.unavailable ?? []) out.push(`  ${u.backend.padEnd(8)} ${'—'.padStart(10)}  (not available here: ${u.reason})`);
  if (s.estimates.some((est) => est.source.startsWith('stored')) && !s.estimates.some((est) => est.backend === 'measured')) {
    out.push('  (stored rates ignore per-step and per-run overhead, so tiny models take longer; a "measured" estimate appears once this study has finished runs here)');
  }
  if (s.estimates.some((est) => est.source.startsWith('measured:'))) {
    out.push('  (a rate measured on the largest run\'s model applies to every run: smaller models use a device less fully, so they take longer than this says)');
  }
  if (s.bracket) {
    const p = s.bracket.prediction;
    out.push(`optimum check: M*(C) = ${p.A.toPrecision(3)}·C^${p.alpha.toFixed(3)} (${p.source})`);
    if (s.bracket.warnings.length === 0) out.push('  every budget\'s sizes bracket the predicted optimum');
    for (const w of s.bracket.warnings) out.push(`  warning: ${w.message}`);
  } else {
    out.push('optimum check: none (no finished runs fix an optimum yet and the study has no "prior")');
  }
  for (const p of s.precision ?? []) {
    const iso = p.precision.isoflop, joint = p.precision.joint;
    const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
    out.push(`precision (${p.group}, from the prior: run noise ${pct(p.noise.spread)}, persistence ${p.noise.persistence.toFixed(2)}, shared across sizes ${p.noise.shared.toFixed(2)}; ${p.precision.studies} synthetic studies of this plan, true α_M ${p.precision.truth.toFixed(3)}):`);
    out.push(`  α_M (IsoFLOP vertices) 95% half-width ${iso ? `±${iso.halfWidth.toFixed(3)} (mean ${iso.mean.toFixed(3)})` : 'not fitted'}; ${p.precision.failures} of ${p.precision.studies} studies lose a parabola; joint fit ${joint ? `±${joint.halfWidth.toFixed(3)} (mean ${joint.mean.toFixed(3)})` : 'not fitted'}`);
    if (p.seedsForTarget !== undefined) out.push(p.seedsForTarget <= 1 ? `  within the target half-width ±${p.target}` : `  a half-width of ±${p.target} needs about ${p.seedsForTarget} seeds per run (${p.seedsForTarget}× the compute), if that noise is seed noise (a per-width irregularity of the models does not average out)`);
  }
  return out.join('\n');
}
