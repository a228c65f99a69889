import { describe, expect, it } from 'vitest';
import { summarizeDryRun, formatDryRun } from './dry-run.js';
import { studyPreset } from './presets.js';
import { parseStudyDefinition } from './study-definition.js';
import { planStudy } from './study-plan.js';
import { estimateRunSeconds, measuredCost, STORED_THROUGHPUT, trainingFlopsPerToken } from './throughput.js';

const plan = planStudy(parseStudyDefinition(studyPreset('quick')));

describe('wall-time estimates', () => {
  it('recovers a per-step overhead and FLOP rate from timed runs', () => {
    const timed = plan.runs.map((r) => ({ config: r.config, wallSeconds: 0.05 * r.config.steps + (trainingFlopsPerToken(r.config) * r.config.tokens) / 4e9 }));
    const m = measuredCost(timed)!;
    expect(m.secondsPerStep).toBeCloseTo(0.05, 6);
    expect(m.flopsPerSec / 4e9).toBeCloseTo(1, 6);
    expect(measuredCost(timed.slice(0, 1))).toBeUndefined();
  });
  it('the dry run schedules runs over workers: one worker takes the sum, more workers less', () => {
    const one = summarizeDryRun(plan, STORED_THROUGHPUT, 1);
    const two = summarizeDryRun(plan, STORED_THROUGHPUT, 2);
    const wasm = STORED_THROUGHPUT.find((t) => t.backend === 'wasm')!;
    const sum = plan.runs.reduce((s, r) => s + estimateRunSeconds(r.config, wasm.flopsPerSec), 0);
    expect(one.estimates.find((e) => e.backend === 'wasm')!.wallSeconds).toBeCloseTo(sum, 6);
    const w2 = two.estimates.find((e) => e.backend === 'wasm')!.wallSeconds;
    expect(w2).toBeLessThan(sum);
    expect(w2).toBeGreaterThanOrEqual((sum / 2) * (1 - 1e-12)); // a perfectly balanced schedule, up to rounding
    const measured = summarizeDryRun(plan, STORED_THROUGHPUT, 2, { secondsPerStep: 0.1, flopsPerSec: 1e9, runs: 5 });
    expect(measured.estimates[0]!.backend).toBe('measured');
    expect(formatDryRun(measured)).toMatch(/measured .* fitted on 5 finished runs of this study on this machine: 100 ms\/step/);
  });

  it('gives no estimate for a backend that cannot run here, and says why', () => {
    const s = summarizeDryRun(plan, STORED_THROUGHPUT.filter((t) => t.backend !== 'native'), 2, undefined, undefined, [{ backend: 'native', reason: 'native addon not built (cblas.h missing)' }]);
    const text = formatDryRun(s);
    expect(text).not.toMatch(/native\s+[\d.]+ (s|min|h)/);
    expect(text).toMatch(/^ {2}native +— +\(not available here: native addon not built \(cblas\.h missing\)\)$/m);
    expect(s.unavailable).toEqual([{ backend: 'native', reason: 'native addon not built (cblas.h missing)' }]);
  });
});
