import { describe, expect, it } from 'vitest';
import { bracketWarnings, predictionFromPrior } from './bracket-check.js';
import { gridPoints, measureRun, scalingRunOfPoint } from './grid-points.js';
import { lrCurves } from './lr-sweep.js';
import { escapeMarkdown } from './markdown-escape.js';
import { studyPreset } from './presets.js';
import type { RunConfig } from './run-config.js';
import { parseStudyDefinition } from './study-definition.js';
import { agreesWithPaperOrder } from './study-findings.js';
import { budgetGrid, planStudy } from './study-plan.js';
import type { FinishedRun } from './study-results.js';

const quick = () => parseStudyDefinition(studyPreset('quick-separate'));

function finished(config: RunConfig, metrics: Record<string, number>, id = `r${Math.random().toString(16).slice(2, 18).padEnd(16, '0')}`): FinishedRun {
  return { id, study: 'x', status: 'done', config, attempts: 1, worker: null, finalLoss: metrics.trainElboEma ?? null, metrics, wallSeconds: 1, error: null, curve: [{ step: 1, tokens: config.tokens, loss: metrics.trainElboEma ?? 3 }] } as unknown as FinishedRun;
}

describe('per-budget sizes and replicates', () => {
  it('each budget trains its own window of sizes, sorted by FLOPs per token', () => {
    const grid = budgetGrid(quick());
    expect(grid.map((g) => g.sizes.length)).toEqual([5, 5, 5, 5]);
    for (const g of grid) for (let i = 1; i < g.sizes.length; i++) expect(g.sizes[i]!.width).toBeGreaterThan(g.sizes[i - 1]!.width);
    expect(grid[0]!.sizes[0]!.name).toBe('L2-D12-H1');
    expect(grid[3]!.sizes.at(-1)!.name).toBe('L2-D48-H2');
  });
  it('replicated points repeat with seeds seed, seed+1, ...; others run once', () => {
    const plan = planStudy(quick());
    const at = (model: string, budget: number, noise: string) => plan.runs.filter((r) => r.config.model.name === model && r.config.budgetFlops === budget && r.config.noiseLabel === noise).map((r) => r.config.seed).sort();
    expect(at('L2-D28-H2', 2.15e11, 'masked')).toEqual([0, 1, 2]);
    expect(at('L2-D28-H2', 2.15e11, 'uniform')).toEqual([0, 1, 2]);
    expect(at('L2-D20-H2', 1e11, 'masked')).toEqual([0]);
    // Without points, the middle size of every budget is repeated.
    const all = planStudy(parseStudyDefinition({ ...studyPreset('quick-separate'), replicates: { count: 2 } }));
    expect(all.runs).toHaveLength(40 + 4 * 2);
    expect(all.runs.filter((r) => r.config.seed === 1).map((r) => r.config.model.name).sort()).toEqual(['L2-D20-H2', 'L2-D20-H2', 'L2-D28-H2', 'L2-D28-H2', 'L2-D28-H2', 'L2-D28-H2', 'L2-D32-H2', 'L2-D32-H2'].sort());
  });
});

describe('measured grid points', () => {
  const plan = planStudy(quick());
  const rep = plan.runs.filter((r) => r.config.model.name === 'L2-D28-H2' && r.config.budgetFlops === 2.15e11 && r.config.noiseLabel === 'masked');
  it('held-out losses average over replicates with their spread and the SE of the mean', () => {
    const losses = [2.40, 2.42, 2.44];
    const runs = rep.map((r, i) => finished(r.config, { evalElbo: losses[i]!, evalStandardError: 0.006, trainElboEma: 2.5 }, r.id));
    const [p] = gridPoints(runs.map((r) => measureRun(r, 'held-out')!));
    expect(p!.loss).toBeCloseTo(2.42, 12);
    expect(p!.spread).toBeCloseTo(0.02, 12);
    expect(p!.standardError).toBeCloseTo(Math.sqrt(3 * 0.006 ** 2) / 3, 12);
    const s = scalingRunOfPoint(p!, 'held-out');
    expect(s).toMatchObject({ loss: p!.loss, lossSpread: p!.spread, replicates: 3, group: 'masked' });
    expect(s.curve).toBeUndefined(); // a held-out loss is final-only
    expect(s.id).toBe(rep.find((r) => r.config.seed === 0)!.id);
  });
  it('the training EMA is the alternative measure; a run without the chosen measure is left out', () => {
    const r = finished(rep[0]!.config, { trainElboEma: 2.5 });
    expect(measureRun(r, 'held-out')).toBeUndefined();
    expect(measureRun(r, 'train-ema')!.loss).toBe(2.5);
    expect(scalingRunOfPoint(gridPoints([measureRun(r, 'train-ema')!])[0]!, 'train-ema').curve).toBeDefined();
  });
});

describe('--dry-run optimum check', () => {
  it("the quick preset's windows bracket its prior at every budget", () => {
    const def = quick();
    expect(bracketWarnings(def, predictionFromPrior(def)!)).toEqual([]);
  });
  it('warns, naming the budget and the fix, when the sizes miss the predicted optimum', () => {
    const def = parseStudyDefinition({ ...studyPreset('quick-separate'), budgets: [{ flops: 1e13, models: ['L2-D12-H2', 'L2-D16-H2', 'L2-D20-H2'] }], replicates: undefined });
    const w = bracketWarnings(def, predictionFromPrior(def)!);
    expect(w).toHaveLength(1);
    expect(w[0]!.message).toMatch(/budget 1\.00e\+13: its sizes span M = .* but the predicted optimum is M\* = 3\.46e\+5 \(the study's prior\); add larger models/);
  });
});

describe('LR sweep', () => {
  it('finds the optimum of a convex sweep and flags a sweep whose best LR is at an end', () => {
    const plan = planStudy(parseStudyDefinition(studyPreset('lr-sweep')));
    const loss = (lr: number, best: number) => 2.3 + 0.05 * Math.log(lr / best) ** 2;
    const runs = plan.runs.map((r) => finished(r.config, { evalElbo: loss(r.config.lr, r.config.model.width === 56 ? 1e-3 : 0.06) }, r.id));
    const curves = lrCurves(gridPoints(runs.map((r) => measureRun(r, 'held-out')!)));
    expect(curves.map((c) => c.width)).toEqual([16, 32, 56]);
    expect(curves[0]!.optimum!.lr).toBeCloseTo(0.06, 2);
    expect(curves[2]!.optimum).toBeUndefined();
    expect(curves[2]!.note).toMatch(/at the low end of the sweep: widen it/);
  });
});

describe('report text', () => {
  it('user strings cannot inject HTML, headings or table cells', () => {
    const e = escapeMarkdown('<script>x</script>\n# Heading | cell');
    expect(e).not.toMatch(/<|>|\n/);
    expect(e).toContain('\\#');
    expect(e).toContain('\\|');
  });
  it("the paper's L* ordering check", () => {
    expect(agreesWithPaperOrder(['masked', 'low-uniform', 'uniform'])).toBe(true);
    expect(agreesWithPaperOrder(['uniform', 'masked'])).toBe(false);
  });
});
