import { describe, expect, it } from 'vitest';
import { designBatchTokens, designLr } from './design-rules.js';
import { flopsPerToken, paperParams, parseModelSize } from './model-size.js';
import { studyPreset } from './presets.js';
import { parseStudyDefinition, parseStudyJson } from './study-definition.js';
import { planStudy } from './study-plan.js';

describe('model sizes', () => {
  it("reproduces the paper's parameter counts and Method 1 FLOPs (SPEC §3 table)", () => {
    expect(paperParams(parseModelSize('L8-D512'))).toBe(25_223_680);
    expect(paperParams(parseModelSize('L20-D1536-H12'))).toBe(566_662_656);
    // Table 4's M column uses the notebooks' 72·L·d² variant, within 0.2% of 6P + 12·L·d·N.
    expect(flopsPerToken(parseModelSize('L8-D512'), 2048) / 2.517e8).toBeCloseTo(1, 2);
    expect(flopsPerToken(parseModelSize('L12-D768'), 2048) / 7.361e8).toBeCloseTo(1, 2);
  });
  it('rejects malformed names and heads that do not divide the width', () => {
    expect(() => parseModelSize('8x512')).toThrow(/L<layers>-D<width>/);
    expect(() => parseModelSize('L2-D64-H5')).toThrow(/dividing the width 64/);
  });
});

describe('design rules', () => {
  it("B = 3.614e-3·D^0.8179 gives the scaled runs' batches of SPEC §4 after their rounding", () => {
    expect(Math.round(designBatchTokens(73.9e9) / 2048 / 512) * 512).toBe(1536); // mask-3B
    expect(Math.round(designBatchTokens(182.5e9) / 2048 / 1024) * 1024).toBe(3072); // unif-10B
  });
  it('η ∝ B^0.3412 anchored at η = 0.3 for 64×2048 tokens', () => {
    expect(designLr(64 * 2048)).toBeCloseTo(0.3, 12);
    expect(designLr(8 * 64 * 2048) / designLr(64 * 2048)).toBeCloseTo(Math.pow(8, 0.3412), 12);
  });
});

describe('planStudy', () => {
  const quick = () => parseStudyDefinition(studyPreset('quick-separate'));
  it('expands the quick preset into 2 noise × 4 budgets × 5 sizes, plus 2 replicated points × 2 extra seeds', () => {
    const plan = planStudy(quick());
    expect(plan.runs).toHaveLength(2 * 4 * 5 + 2 * 2);
    expect(new Set(plan.runs.map((r) => r.id)).size).toBe(44);
    for (const { id, config: c } of plan.runs) {
      expect(id).toMatch(/^r[0-9a-f]{16}$/);
      // D = steps · B · N covers the budget C / M, by less than one extra step.
      expect(c.tokens * c.flopsPerToken).toBeGreaterThanOrEqual(c.budgetFlops);
      expect((c.tokens - c.batchSequences * c.seqLen) * c.flopsPerToken).toBeLessThan(c.budgetFlops);
      expect(c.batchSequences).toBe(16);
      // One shared held-out evaluation for every run (common random numbers), whatever its training batch.
      expect(c.trainer.eval).toEqual({ batches: 128, batchSize: 16, levels: 8, seed: 1234 });
    }
    expect(plan.totalFlops).toBeCloseTo(plan.runs.reduce((s, r) => s + r.config.tokens * r.config.flopsPerToken, 0), 0);
  });
  it('run ids are stable across key order and change with the config', () => {
    const a = planStudy(quick()).runs.map((r) => r.id);
    const b = planStudy(parseStudyDefinition(JSON.parse(JSON.stringify(studyPreset('quick-separate')).split('').join('')))).runs.map((r) => r.id);
    expect(b).toEqual(a);
    const seeded = planStudy(parseStudyDefinition({ ...studyPreset('quick-separate'), seed: 10 })).runs.map((r) => r.id);
    expect(seeded.some((id) => a.includes(id))).toBe(false);
  });
  it('expands explicit batch and LR lists as a cross product', () => {
    const plan = planStudy(parseStudyDefinition({ ...studyPreset('quick-separate'), batch: { sequences: [8, 16] }, lr: { values: [0.01, 0.03, 0.1] } }));
    expect(plan.runs).toHaveLength(44 * 2 * 3);
  });
  it('every preset plans without error', () => {
    for (const name of ['quick', 'quick-separate', 'micro', 'lr-sweep', 'paper']) expect(planStudy(parseStudyDefinition(studyPreset(name))).runs.length).toBeGreaterThan(0);
    // The curve design: 8 sizes per noise type (L2-D8-H1 … L2-D40-H2; micro adds L2-D48-H2), L2-D20 with two more seeds.
    expect(planStudy(parseStudyDefinition(studyPreset('quick'))).runs).toHaveLength(2 * 8 + 2 * 2);
    expect(planStudy(parseStudyDefinition(studyPreset('micro'))).runs).toHaveLength(5 * 9 + 5 * 2);
    expect(planStudy(parseStudyDefinition(studyPreset('lr-sweep'))).runs).toHaveLength(3 * 5);
  });
  it('the paper preset is SPEC §4: 5 noise types × 5 sizes × 5 budgets at N = 2048', () => {
    const plan = planStudy(parseStudyDefinition(studyPreset('paper')));
    expect(plan.runs).toHaveLength(125);
    expect(new Set(plan.runs.map((r) => r.config.noiseLabel))).toEqual(new Set(['masked', 'low-uniform', 'balanced', 'high-uniform', 'uniform']));
  });
});

describe('bad study definitions fail before any work with the field and the fix', () => {
  const base = () => ({ ...studyPreset('quick-separate') }) as Record<string, unknown>;
  it('an unknown noise id', () => {
    expect(() => planStudy(parseStudyDefinition({ ...base(), noise: ['masked', 'gaussian'] }))).toThrow(/noise\[1\]: unknown noise "gaussian"; use one of masked, low-uniform/);
    expect(() => planStudy(parseStudyDefinition({ ...base(), noise: [{ id: 'acme/foo' }] }))).toThrow(/noise\[0\]: unknown noise id "acme\/foo"; known ids: difflm\/gidd, difflm\/hybrid/);
    expect(() => planStudy(parseStudyDefinition({ ...base(), noise: [{ id: 'difflm/hybrid', options: { shift: 2 } }] }))).toThrow(/noise\[0\]: difflm\/hybrid options: unknown option "shift"/);
    // The objective options are checked with every noise type before any work: a schedule nobody registered, a typo.
    expect(() => planStudy(parseStudyDefinition({ ...base(), trainer: { objectiveOptions: { schedule: 'acme/shifted-cosine' } } }))).toThrow(/^trainer\.objectiveOptions \(noise "masked"\): schedule: unknown schedule id "acme\/shifted-cosine"; known: process, difflm\/cosine/);
    expect(() => planStudy(parseStudyDefinition({ ...base(), trainer: { objectiveOptions: { schedule: 'cosine', scheduleOptions: { eps: 1 } } } }))).toThrow(/trainer\.objectiveOptions \(noise "masked"\): .*difflm\/cosine.*unknown option "eps"/);
    expect(planStudy(parseStudyDefinition({ ...base(), trainer: { objectiveOptions: { schedule: 'cosine' } } })).runs.length).toBeGreaterThan(0);
    expect(() => planStudy(parseStudyDefinition({ ...base(), trainer: { objectiveOptions: { lossWeighting: 'acme/sqrt-elbo' } } }))).toThrow(/^trainer\.objectiveOptions \(noise "masked"\): lossWeighting: unknown loss weighting "acme\/sqrt-elbo"; known: difflm\/clip/);
    // 'dynamic' needs a process with a dynamic weight: masked has none, and the study says so before any work.
    expect(() => planStudy(parseStudyDefinition({ ...base(), trainer: { objectiveOptions: { lossWeighting: 'dynamic' } } }))).toThrow(/^trainer\.objectiveOptions \(noise "masked"\): lossWeighting \(difflm\/dynamic\): needs a process with a dynamic weight/);
    expect(() => planStudy(parseStudyDefinition({ ...base(), trainer: { optimizer: { kind: 'acme/lion' } } }))).toThrow(/^trainer\.optimizer\.kind: unknown optimizer "acme\/lion"; known: difflm\/adamw, difflm\/laprop/);
    expect(() => planStudy(parseStudyDefinition({ ...base(), trainer: { optimizer: { kind: 'adamw', options: { lr: 1 } } } }))).toThrow(/^trainer\.optimizer\.options \(difflm\/adamw\): difflm\/adamw: unknown option "lr"/);
    const gidd = planStudy(parseStudyDefinition({ ...base(), noise: [{ id: 'difflm/gidd', options: { pUniform: 0.1 }, label: 'gidd-0.1' }] }));
    expect(gidd.runs[0]!.config.noise).toEqual({ id: 'difflm/gidd', options: { pUniform: 0.1 } });
  });
  it('budgets too small for the smallest model', () => {
    expect(() => planStudy(parseStudyDefinition({ ...base(), models: ['L2-D12-H2'], budgets: [1e8], replicates: undefined }))).toThrow(/budgets: 1\.00e\+8 FLOPs gives L2-D12-H2 .* fewer than minSteps 100; raise the budget to at least/);
  });
  it('a malformed grid', () => {
    expect(() => planStudy(parseStudyDefinition({ ...base(), models: [], budgets: [1e11], replicates: undefined }))).toThrow(/budgets\[0\]: no model sizes; list them in "models" or in this budget's "models"/);
    expect(() => parseStudyDefinition({ ...base(), budgets: [1e10, -5] })).toThrow(/budgets\.1/);
    expect(() => parseStudyDefinition({ ...base(), grid: {} })).toThrow(/Unrecognized key: "grid"/);
    expect(() => parseStudyDefinition({ ...base(), name: 'a/b' })).toThrow(/name: a study name may use/);
    for (const dots of ['..', '.', '...']) expect(() => parseStudyDefinition({ ...base(), name: dots })).toThrow(/name: a study name may not be "." or ".."/);
    expect(() => planStudy(parseStudyDefinition({ ...base(), models: ['L2-D64', 'tiny'], budgets: [1e12], replicates: undefined }))).toThrow(/models\[1\]: model size "tiny" is not of the form/);
    expect(() => planStudy(parseStudyDefinition({ ...base(), budgets: [{ flops: 1e12, models: ['L2-D64', 'tiny'] }], replicates: undefined }))).toThrow(/budgets\[0\]\.models\[1\]: model size "tiny"/);
    expect(() => planStudy(parseStudyDefinition({ ...base(), replicates: { count: 3, points: [{ model: 'L2-D64-H2', budget: 1e11 }] } }))).toThrow(/replicates\.points\[0\]: L2-D64-H2 at 1\.00e\+11 FLOPs is not a grid point of this study/);
    expect(() => parseStudyDefinition({ ...base(), replicates: { count: 1 } })).toThrow(/replicates\.count/);
    expect(() => parseStudyDefinition({ ...base(), evaluation: { loss: 'final' } })).toThrow(/evaluation\.loss/);
    expect(() => parseStudyJson('{"name": "x",', 'bad.json')).toThrow(/bad\.json is not valid JSON/);
  });
});
