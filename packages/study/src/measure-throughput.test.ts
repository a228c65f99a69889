// `difflm study --dry-run --backend webgpu` measures the device: a few timed steps of the plan's largest run, turned
// into an effective FLOP/s with the stored rates' accounting. Here on the cpu backend (webgpu in software is too slow).
import { selectBackend } from '@difflm/backends';
import { describe, expect, it } from 'vitest';
import { formatDryRun, summarizeDryRun } from './dry-run.js';
import { largestRun, measureThroughput } from './measure-throughput.js';
import { parseStudyDefinition } from './study-definition.js';
import { planStudy } from './study-plan.js';
import { estimateRunSeconds, trainingFlopsPerToken } from './throughput.js';

const tiny = { name: 'tiny', noise: ['masked', 'uniform'], models: ['L1-D16-H1', 'L1-D32-H2', 'L2-D32-H2'], seqLen: 16, budgets: [5e8, 1e9], batch: { sequences: [4] }, lr: { values: [0.1] }, minSteps: 5 };
const plan = planStudy(parseStudyDefinition(tiny));

describe('measured throughput for the dry run', () => {
  it('picks the run with the most work per step', () => {
    expect(largestRun(plan).model.name).toBe('L2-D32-H2');
  });

  it('trains timed steps of the largest run and labels the estimate with what it measured', async () => {
    const backend = await selectBackend('cpu');
    const run = largestRun(plan);
    const m = await measureThroughput(run, { backend: 'gpu-under-test', device: backend.description.split(' · ')[0]!, warmup: 1, steps: 2 });
    expect(m.stepSeconds).toHaveLength(2);
    expect(m.tokensPerSec).toBeGreaterThan(0);
    // tokens/s is one step's tokens over the median timed step; FLOP/s uses the stored rates' accounting.
    const median = [...m.stepSeconds].sort((a, b) => a - b)[1]!;
    expect(m.tokensPerSec).toBeCloseTo((4 * 16) / median, 6);
    expect(m.flopsPerSec / m.tokensPerSec).toBeCloseTo(trainingFlopsPerToken(run), 3);
    expect(m.source).toMatch(/^measured: [\d.]+k? tokens\/s on cpu \(plain JavaScript kernels; slow, for checks\) \(L2-D32-H2, 4 × 16; median of 2 steps after 1 warm-up\)$/);

    const summary = summarizeDryRun(plan, [m], 1);
    expect(summary.estimates).toHaveLength(1);
    expect(summary.estimates[0]!.wallSeconds).toBeCloseTo(plan.runs.reduce((s, r) => s + estimateRunSeconds(r.config, m.flopsPerSec), 0), 6);
    const text = formatDryRun(summary);
    expect(text).toMatch(/^ {2}gpu-under-test +[\d.]+ (s|min|h|days) +\([\d.]+ GFLOP\/s per process; measured: [\d.]+k? tokens\/s on cpu /m);
    expect(text).toContain('a rate measured on the largest run\'s model applies to every run');
    expect(text).not.toContain('stored rates ignore');
  }, 20_000);

  it('measures fewer sequences per step when a step\'s logits would pass maxLogits, and says so', async () => {
    await selectBackend('cpu');
    const run = largestRun(plan);
    const m = await measureThroughput(run, { backend: 'gpu-under-test', device: 'cpu', warmup: 1, steps: 1, maxLogits: 2 * 16 * 260 });
    const median = m.stepSeconds[0]!;
    expect(m.tokensPerSec).toBeCloseTo((2 * 16) / median, 6);
    expect(m.source).toContain('(L2-D32-H2, 2 × 16 of its 4 sequences per step, to bound the measurement\'s memory: fewer than a run uses, so the estimate errs long;');
  }, 20_000);
});
