import { describe, expect, it } from 'vitest';
import { createFitRng } from '@difflm/scaling-fit';
import { lawAlphaM, simulateDesignPrecision, syntheticRuns, type SyntheticLaw } from './design-simulation.js';
import { parseStudyDefinition, type StudyDefinitionInput } from './study-definition.js';
import { planStudy } from './study-plan.js';

// A law with its optimum inside the windows below (α_M = 0.45).
const LAW: SyntheticLaw = { E: 1.5, A: 69, alpha: 0.34, B: 60, beta: 0.28 };
const ladder = (ws: number[]) => ws.map((d) => `L2-D${d}-H2`);
const study = (design: { kind: string } & Record<string, unknown>): StudyDefinitionInput => ({
  name: 'sim', noise: ['masked'], seqLen: 64, batch: { sequences: [16] }, minSteps: 50,
  budgets: [
    { flops: 3e10, models: ladder([16, 20, 24, 28, 32]) },
    { flops: 1e11, models: ladder([20, 24, 28, 32, 40]) },
    { flops: 3e11, models: ladder([28, 32, 40, 48, 56]) },
    { flops: 1e12, models: ladder([40, 48, 56, 64, 80]) },
  ],
  design,
});

describe('design simulation', () => {
  it('gives every read its law loss when there is no noise, and the joint fit recovers the law exactly', () => {
    const plan = planStudy(parseStudyDefinition(study({ kind: 'curve', warmupSteps: 30 })));
    const runs = syntheticRuns(plan, LAW, { spread: 0, persistence: 0, shared: 0 }, createFitRng(1));
    const c = runs[0]!.config;
    const read = c.reads![0]!;
    expect(runs[0]!.metrics![`heldOut@${read.step}`]).toBeCloseTo(LAW.E + LAW.A * c.flopsPerToken ** -LAW.alpha + LAW.B * (read.step * 1024) ** -LAW.beta, 12);
    const p = simulateDesignPrecision(plan, LAW, { spread: 0, persistence: 0, shared: 0 }, { studies: 12 });
    expect(p.joint!.mean).toBeCloseTo(lawAlphaM(LAW), 4);
    expect(p.joint!.halfWidth).toBeLessThan(1e-6);
    expect(p.isoflop!.halfWidth).toBeLessThan(1e-9);
  });
  it('noise widens α_M; a noise common to every run of a seed cancels', () => {
    const plan = planStudy(parseStudyDefinition(study({ kind: 'curve', warmupSteps: 30 })));
    const own = simulateDesignPrecision(plan, LAW, { spread: 0.005, persistence: 0.5, shared: 0 }, { studies: 40, joint: false });
    const common = simulateDesignPrecision(plan, LAW, { spread: 0.005, persistence: 1, shared: 1 }, { studies: 40, joint: false });
    expect(own.isoflop!.halfWidth).toBeGreaterThan(0.01);
    expect(common.isoflop!.halfWidth).toBeLessThan(1e-9);
  });
  it('simulates the branches design off its branches, and counts the branches\' steps in its compute', () => {
    const curve = planStudy(parseStudyDefinition(study({ kind: 'curve', warmupSteps: 30 })));
    const plan = planStudy(parseStudyDefinition({ ...study({ kind: 'branches', warmupSteps: 30, fraction: 0.2 }), evaluation: { loss: 'held-out' } }));
    const runs = syntheticRuns(plan, LAW, { spread: 0, persistence: 0, shared: 0 }, createFitRng(1));
    const read = runs[0]!.config.reads![0]!;
    expect(runs[0]!.metrics![`branch@${read.step}`]).toBe(runs[0]!.metrics![`heldOut@${read.step}`]);
    const p = simulateDesignPrecision(plan, LAW, { spread: 0.003, persistence: 0.5, shared: 0 }, { studies: 12 });
    expect(p.failures).toBe(0);
    expect(p.joint!.mean).toBeCloseTo(lawAlphaM(LAW), 1);
    // Each read T trains a branch of ceil(0.2·T) steps beside the trunk.
    const branchTokens = plan.runs.reduce((s, r) => s + r.config.reads!.reduce((a, q) => a + Math.ceil(0.2 * q.step), 0) * r.config.batchSequences * r.config.seqLen, 0);
    expect(plan.totalTokens).toBe(curve.totalTokens + branchTokens);
    expect(p.totalFlops).toBeCloseTo(plan.totalFlops, -3);
    expect(plan.totalFlops).toBeGreaterThan(curve.totalFlops * 1.2);
  });
});
