import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fitStudy } from '@difflm/scaling-fit';
import { fakeExecutor, syntheticLoss } from './fake-executor.js';
import { readKey } from './read-keys.js';
import { parseStudyDefinition, type StudyDefinitionInput } from './study-definition.js';
import { measuredPoints, studyDesign, studyDesigns } from './study-designs.js';
import { planStudy } from './study-plan.js';
import type { FinishedRun } from './study-results.js';

const tmp = mkdtempSync(join(tmpdir(), 'difflm-designs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ladder = (ws: number[]) => ws.map((d) => `L2-D${d}-H2`);
const curveStudy = (over: Partial<StudyDefinitionInput> = {}): StudyDefinitionInput => ({
  name: 'curve-test',
  noise: ['masked', 'uniform'],
  seqLen: 64,
  batch: { sequences: [16] },
  minSteps: 50,
  budgets: [
    { flops: 3e10, models: ladder([12, 16, 20, 24]) },
    { flops: 1e11, models: ladder([12, 16, 20, 24, 28]) },
    { flops: 3e11, models: ladder([16, 20, 24, 28, 32]) },
  ],
  design: { kind: 'curve', warmupSteps: 40 },
  ...over,
});

describe('study designs', () => {
  it('lists its designs, and an unknown kind or a bad option names the field', () => {
    expect(studyDesigns().map((d) => d.kind)).toEqual(['separate', 'curve', 'branches']);
    expect(() => planStudy(parseStudyDefinition(curveStudy({ design: { kind: 'branch' } })))).toThrow(/design.kind: unknown study design "branch"; use one of separate, curve, branches/);
    expect(() => planStudy(parseStudyDefinition(curveStudy({ design: { kind: 'branches', fraction: 1 } })))).toThrow(/^design.fraction: /);
    expect(() => planStudy(parseStudyDefinition(curveStudy({ design: { kind: 'branches' }, evaluation: { loss: 'train-ema' } })))).toThrow(/^evaluation.loss: the branches design reads/);
    expect(() => planStudy(parseStudyDefinition(curveStudy({ design: { kind: 'curve', warmupSteps: -1 } })))).toThrow(/^design.warmupSteps: /);
    expect(() => planStudy(parseStudyDefinition(curveStudy({ design: { kind: 'curve', every: 3 } })))).toThrow(/^design: .*every/);
    expect(() => planStudy(parseStudyDefinition(curveStudy({ trainer: { schedule: { cooldown: 0.2 } } })))).toThrow(/trainer.schedule.cooldown: the curve design trains at constant LR/);
    expect(studyDesign(parseStudyDefinition({ ...curveStudy(), design: undefined })).kind).toBe('separate');
  });

  it('curve: one constant-LR run per (noise, size) to the largest budget listing it, read at every budget it passes', () => {
    const plan = planStudy(parseStudyDefinition(curveStudy()));
    // 6 sizes × 2 noise types, not one run per (size, budget) point.
    expect(plan.runs).toHaveLength(12);
    for (const { config: c } of plan.runs) {
      expect(c.warmupSteps).toBe(40);
      expect((c.trainer.schedule as { cooldown: number }).cooldown).toBe(0);
      const perStep = c.flopsPerToken * c.batchSequences * c.seqLen;
      // The run ends where its largest budget is spent, and that budget is its last read.
      expect(c.reads!.at(-1)).toEqual({ budget: c.budgetFlops, step: c.steps });
      for (const r of c.reads!) {
        expect(r.step).toBe(Math.ceil(r.budget / perStep));
        expect(r.step).toBeGreaterThanOrEqual(80); // twice the warmup
      }
    }
    const byModel = (name: string) => plan.runs.find((r) => r.config.model.name === name && r.config.noiseLabel === 'masked')!.config;
    // L2-D12 is listed up to 1e11 and read at both budgets below; L2-D32, listed at 3e11 only, is read at every
    // budget it passes (at 3e10 it has trained 145 steps, past the first read at 80).
    expect(byModel('L2-D12-H2').reads!.map((r) => r.budget)).toEqual([3e10, 1e11]);
    expect(byModel('L2-D32-H2').reads!.map((r) => r.budget)).toEqual([3e10, 1e11, 3e11]);
    // With a longer warmup the first read moves out past 3e10 for L2-D32 (145 steps < 2·100).
    const late = planStudy(parseStudyDefinition(curveStudy({ design: { kind: 'curve', warmupSteps: 100 } })));
    expect(late.runs.find((r) => r.config.model.name === 'L2-D32-H2')!.config.reads!.map((r) => r.budget)).toEqual([1e11, 3e11]);
  });

  it("init 'nested' reaches every run's model config (and changes its id); the default adds nothing", async () => {
    const { trainRunConfigOf } = await import('./trainer-executor.js');
    const plain = planStudy(parseStudyDefinition(curveStudy()));
    const nested = planStudy(parseStudyDefinition(curveStudy({ init: 'nested' })));
    expect(trainRunConfigOf(nested.runs[0]!.config, 'data', 260).model).toMatchObject({ init: 'nested' });
    expect(trainRunConfigOf(plain.runs[0]!.config, 'data', 260).model).not.toHaveProperty('init');
    expect(nested.runs[0]!.id).not.toBe(plain.runs[0]!.id);
  });

  it("curve with the design-law batch: one batch per size (its largest budget's), and the windows are checked with it", () => {
    const plan = planStudy(parseStudyDefinition(curveStudy({ batch: { rule: 'design-law', minSequences: 4, maxSequences: 64 } })));
    expect(plan.runs).toHaveLength(12);
    for (const { config: c } of plan.runs) {
      const perStep = c.flopsPerToken * c.batchSequences * c.seqLen;
      expect(c.reads!.at(-1)!.step).toBe(c.steps);
      for (const r of c.reads!) expect(r.step).toBe(Math.ceil(r.budget / perStep));
    }
  });

  it('curve: held-out reads evaluate the run at each read; reads off the training curve evaluate only at the end', async () => {
    const { trainRunConfigOf } = await import('./trainer-executor.js');
    const heldOut = planStudy(parseStudyDefinition(curveStudy({ evaluation: { loss: 'held-out' } })));
    const ema = planStudy(parseStudyDefinition(curveStudy({ evaluation: { loss: 'train-ema' } })));
    const run = (p: typeof ema) => p.runs.find((r) => r.config.model.name === 'L2-D32-H2')!.config;
    const evalOf = (p: typeof ema) => (trainRunConfigOf(run(p), 'data', 260) as { eval: { atSteps?: number[] } }).eval;
    expect(run(heldOut).readFrom).toBeUndefined();
    expect(evalOf(heldOut).atSteps).toEqual(run(heldOut).reads!.slice(0, -1).map((r) => r.step));
    // Same reads, no evaluation along the way (the final one is the run's own).
    expect(run(ema).readFrom).toBe('train-ema');
    expect(run(ema).reads).toEqual(run(heldOut).reads);
    expect(evalOf(ema).atSteps).toBeUndefined();
    // What a run may skip is not what it trains: the id is the one a study planned before readFrom existed.
    const { runIdOf } = await import('./run-config.js');
    const { readFrom: _, ...before } = run(ema);
    expect(ema.runs.find((r) => r.config === run(ema))!.id).toBe(runIdOf(before));
  });

  it('branches: the curve plan, with each read a cooldown branch the trainer runs, measured off the branches', async () => {
    const { trainRunConfigOf } = await import('./trainer-executor.js');
    const def = parseStudyDefinition(curveStudy({ design: { kind: 'branches', warmupSteps: 40, fraction: 0.25 } }));
    const plan = planStudy(def);
    const curve = planStudy(parseStudyDefinition(curveStudy()));
    expect(plan.runs.map((r) => r.config.reads)).toEqual(curve.runs.map((r) => r.config.reads));
    const c = plan.runs[0]!.config;
    const trainer = trainRunConfigOf(c, 'data', 260) as { eval: { atSteps?: number[]; branches?: { atSteps: number[]; fraction: number } } };
    expect(trainer.eval.branches).toEqual({ atSteps: c.reads!.map((r) => r.step), fraction: 0.25 });
    expect(trainer.eval.atSteps).toBeUndefined();
    const exec = fakeExecutor({ msPerStep: 0, points: 3 });
    const runs: FinishedRun[] = [];
    for (const { id, config } of plan.runs) {
      const r = await exec.run(config, { runId: id, runDir: join(tmp, `b-${id}`) });
      runs.push({ id, study: def.name, status: 'done', config, attempts: 1, worker: null, finalLoss: r.finalLoss, metrics: { ...r.metrics }, wallSeconds: 0, error: null, createdAt: '', finishedAt: '', curve: r.curve });
    }
    const m = measuredPoints({ definition: def, runs, missing: 0 });
    expect(m.missingReads).toBe(0);
    expect(m.points).toHaveLength(plan.runs.reduce((s, r) => s + r.config.reads!.length, 0));
    const p = m.points[0]!;
    expect(p.loss).toBe(p.runs[0]!.run.metrics![`branch@${p.runs[0]!.run.config.steps}`]);
  });

  it('curve: replicates repeat the named size whole, and a budget too small for the first read is refused', () => {
    const plan = planStudy(parseStudyDefinition(curveStudy({ replicates: { count: 3, points: [{ model: 'L2-D20-H2', budget: 1e11 }] } })));
    expect(plan.runs.filter((r) => r.config.model.name === 'L2-D20-H2').map((r) => r.config.seed).sort()).toEqual([0, 0, 1, 1, 2, 2]);
    expect(() => planStudy(parseStudyDefinition(curveStudy({ design: { kind: 'curve', warmupSteps: 1000 } })))).toThrow(/^budgets: L2-D12-H2 is listed at 3.00e\+10 FLOPs but has trained only 711 steps of 16×64 tokens there, before the first read at step 2000 .*drop it from that budget, or lower design.warmupSteps\/design.minReadSteps$/);
    // A size whose whole run ends before its first read (its largest budget lists it) is refused the same way.
    const short = curveStudy({ budgets: [{ flops: 3e11, models: ladder([16, 20, 24, 28, 32]) }], design: { kind: 'curve', warmupSteps: 800 } });
    expect(() => planStudy(parseStudyDefinition(short))).toThrow(/L2-D32-H2 is listed at 3.00e\+11 FLOPs but has trained only 1450 steps .* first read at step 1600/);
  });

  it('curve: every read becomes a grid point of its trajectory, and the fits recover the synthetic law', async () => {
    // Windows centred on the fake law's optimum (P* ≈ 17k, 29k, 48k parameters at the three budgets).
    const budgets = [
      { flops: 3e10, models: ladder([16, 20, 24, 28, 32]) },
      { flops: 1e11, models: ladder([20, 24, 28, 32, 40]) },
      { flops: 3e11, models: ladder([28, 32, 40, 48, 56]) },
    ];
    const def = parseStudyDefinition(curveStudy({ budgets, replicates: { count: 2, points: [{ model: 'L2-D20-H2', budget: 1e11 }] } }));
    const plan = planStudy(def);
    const exec = fakeExecutor({ msPerStep: 0, points: 5 });
    const runs: FinishedRun[] = [];
    for (const { id, config } of plan.runs) {
      const r = await exec.run(config, { runId: id, runDir: join(tmp, id) });
      for (const { step } of config.reads!) expect(r.metrics[readKey(step)]).toBeGreaterThan(0);
      runs.push({ id, study: def.name, status: 'done', config, attempts: 1, worker: null, finalLoss: r.finalLoss, metrics: { ...r.metrics }, wallSeconds: 0, error: null, createdAt: '', finishedAt: '', curve: r.curve });
    }
    const m = measuredPoints({ definition: def, runs, missing: 0 });
    const reads = plan.runs.filter((r) => r.config.seed === 0).reduce((s, r) => s + r.config.reads!.length, 0);
    expect(m.points).toHaveLength(reads);
    expect(m.missingReads).toBe(0);
    const replicated = m.points.filter((p) => p.runs.length === 2);
    expect(replicated.length).toBe(2 * 2); // L2-D20 is read at 2 budgets × 2 noise types
    expect(new Set(m.scalingRuns.filter((r) => r.group === 'masked').map((r) => r.trajectory)).size).toBe(8);
    // Each budget's IsoFLOP curve has every size that passed it.
    const fit = fitStudy(m.scalingRuns, { isoflop: { budgets: m.budgets }, frontier: { resamples: 0 } });
    // (L2-D48 has not passed its first read at 3e10.)
    expect(fit.isoflop.masked!.map((b) => b.points.length)).toEqual([6, 7, 5]);
    // The fake's law L = E + A·P^−0.34 + B·D^−0.28 puts P* ∝ C^(0.28/0.62) = C^0.452.
    expect(fit.exponentTable.find((r) => r.group === 'masked')!.alphaP!.estimate).toBeCloseTo(0.452, 1);
    // A run that sits 3% above its law at every read shows as that size's offset about the parabolas.
    const { sizeOffsets } = await import('./study-report.js');
    const lifted = runs.map((r) => (r.config.model.name === 'L2-D28-H2' && r.config.noiseLabel === 'masked'
      ? { ...r, metrics: Object.fromEntries(Object.entries(r.metrics!).map(([k, v]) => [k, k.startsWith('heldOut@') ? v * 1.03 : v])) } : r));
    const ml = measuredPoints({ definition: def, runs: lifted, missing: 0 });
    const off = sizeOffsets(fitStudy(ml.scalingRuns, { isoflop: { budgets: ml.budgets }, frontier: { resamples: 0 } })).filter((o) => o.group === 'masked');
    const d28 = off.find((o) => Math.abs(o.flopsPerToken - runs.find((r) => r.config.model.name === 'L2-D28-H2')!.config.flopsPerToken) < 1)!;
    expect(d28.meanPercent).toBeGreaterThan(1.5);
    expect(d28.budgets).toBe(3);
    expect(Math.max(...off.filter((o) => o !== d28).map((o) => Math.abs(o.meanPercent)))).toBeLessThan(d28.meanPercent);
    // A missing read is counted, not invented.
    const cut = runs.map((r, i) => (i === 0 ? { ...r, metrics: Object.fromEntries(Object.entries(r.metrics!).filter(([k]) => !k.startsWith('heldOut@'))) } : r));
    expect(measuredPoints({ definition: def, runs: cut, missing: 0 }).missingReads).toBe(runs[0]!.config.reads!.length);
  });

  it('curve, training-curve reads: fitted through the EMA they read the law; the EMA taken as the loss reads early budgets late', async () => {
    const budgets = [{ flops: 1e10, models: ladder([16, 20]) }, { flops: 1e11, models: ladder([16, 20]) }];
    const exec = fakeExecutor({ msPerStep: 0, points: 120 });
    const readsOf = async (curveFit?: string) => {
      const def = parseStudyDefinition(curveStudy({ noise: ['masked'], budgets, evaluation: { loss: 'train-ema' }, design: { kind: 'curve', warmupSteps: 40, ...(curveFit ? { curveFit } : {}) } }));
      const runs: FinishedRun[] = [];
      for (const { id, config } of planStudy(def).runs) {
        const r = await exec.run(config, { runId: id, runDir: join(tmp, `ema-${id}`) });
        runs.push({ id, study: def.name, status: 'done', config, attempts: 1, worker: null, finalLoss: r.finalLoss, metrics: { ...r.metrics }, wallSeconds: 0, error: null, createdAt: '', finishedAt: '', curve: r.curve });
      }
      return measuredPoints({ definition: def, runs, missing: 0 }).points.map((p) => ({ step: p.runs[0]!.run.config.steps, rel: p.loss / syntheticLoss(p.runs[0]!.run.config, p.runs[0]!.run.config.tokens) - 1 }));
    };
    const through = await readsOf();
    expect(through).toHaveLength(4);
    for (const r of through) expect(Math.abs(r.rel)).toBeLessThan(0.003);
    const asLoss = await readsOf('ema');
    const early = asLoss.filter((r) => r.step < 200);
    expect(early.length).toBeGreaterThan(0);
    for (const r of early) expect(r.rel).toBeGreaterThan(0.004);
    expect(() => planStudy(parseStudyDefinition(curveStudy({ design: { kind: 'curve', curveFit: 'raw' } })))).toThrow(/^design.curveFit: /);
  });
});
