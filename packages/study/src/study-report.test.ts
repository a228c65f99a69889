import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runStudy } from './run-study.js';
import { parseStudyDefinition } from './study-definition.js';
import { writeStudyReport } from './study-report.js';

const dir = mkdtempSync(join(tmpdir(), 'difflm-study-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A fake-executor study shaped like the quick preset: per-budget windows, replicated points, hostile strings.
const definition = parseStudyDefinition({
  name: 'report-shape',
  description: 'Fake study <script>alert(1)</script>\n# injected heading',
  noise: ['masked', 'uniform'],
  seqLen: 16,
  budgets: [
    { flops: 2e10, models: ['L1-D32-H2', 'L1-D48-H2', 'L1-D64-H2', 'L1-D96-H2', 'L1-D128-H2'] },
    { flops: 6e10, models: ['L1-D32-H2', 'L1-D48-H2', 'L1-D64-H2', 'L1-D96-H2', 'L1-D128-H2'] },
    { flops: 2e11, models: ['L1-D48-H2', 'L1-D64-H2', 'L1-D96-H2', 'L1-D128-H2', 'L1-D192-H2'] },
  ],
  batch: { sequences: [4] }, lr: { values: [0.1] }, minSteps: 5,
  replicates: { count: 2, points: [{ model: 'L1-D64-H2', budget: 2e10 }] },
  evaluation: { batches: 2, batchSize: 4, levels: 2 },
});

describe('study report', () => {
  it('fits the held-out loss, averages replicates, and writes the verdict, Table 1, gaps and the noise floor', async () => {
    const studyDir = join(dir, 'study');
    const out = await runStudy({ definition, dir: studyDir, workers: 2, executor: { name: 'fake', options: { msPerStep: 1, points: 4 } } });
    expect(out).toMatchObject({ done: 2 * 15 + 2 * 1, failed: 0 });
    const report = await writeStudyReport({ dir: studyDir, bootstrap: 50, png: false });
    const md = readFileSync(report.markdown, 'utf8');
    expect(report.data.lossMeasure).toBe('held-out');
    expect(report.data.points).toHaveLength(30); // 32 runs, one point of 2 replicates per noise type
    for (const heading of ['## Verdict', "## Exponents beside the paper's Table 1", '## Loss per budget and the gap between noise types', '## Noise floor']) expect(md).toContain(heading);
    expect(md).toMatch(/\| masked \| L1-D64-H2 \| 2\.00e\+10 \| 2 \|/);
    expect(md).toContain('0.566 [−0.022, +0.019]'); // the paper's masked α_M beside ours
    expect(md).toMatch(/masked is ahead of uniform at \d of 3 budgets/);
    expect(report.data.findings!.replicatedPoints).toBe(2);
    // The joint fit beside the IsoFLOP vertices, with the run-noise interval (the calibrated one) and the run-resampling one.
    expect(md).toContain('## α_M two ways: IsoFLOP vertices and a joint fit of every point');
    expect(md).toMatch(/\| masked \| [\d.]+ \[−[\d.]+, \+[\d.]+\] \| [\d.]+ \[−[\d.e-]+, \+[\d.e-]+\] \| [\d.]+ \[−[\d.e-]+, \+[\d.e-]+\] \|/);
    expect(report.data.fit?.joint?.masked).toHaveProperty('runNoise');
    // User strings are escaped: no raw HTML and no injected heading.
    expect(md).not.toContain('<script>');
    expect(md).not.toMatch(/^# injected heading/m);
    expect(report.files.some((f) => f.endsWith('frontier-tokens-loss.svg'))).toBe(true);
  }, 60_000);

  it('pools the runs of one study under other seeds: each grid point averages them; another study is refused naming the field', async () => {
    const a = join(dir, 'pool-a'), b = join(dir, 'pool-b'), c = join(dir, 'pool-c');
    const executor = { name: 'fake', options: { msPerStep: 0, points: 4 } } as const;
    await runStudy({ definition, dir: a, workers: 2, executor });
    await runStudy({ definition: { ...definition, seed: 7 }, dir: b, workers: 2, executor });
    const single = await writeStudyReport({ dir: a, bootstrap: 20, png: false, outDir: join(dir, 'single-out') });
    const pooled = await writeStudyReport({ dir: a, pool: [b], bootstrap: 20, png: false, outDir: join(dir, 'pool-out') });
    expect(pooled.data.points).toHaveLength(single.data.points.length);
    type Point = { noise: string; model: string; budget: number; runs: unknown[] };
    const keyOf = (p: Point) => `${p.noise}|${p.model}|${p.budget}`;
    for (const p of pooled.data.points as Point[]) {
      const one = (single.data.points as Point[]).find((q) => keyOf(q) === keyOf(p))!;
      expect(p.runs.length, keyOf(p)).toBe(2 * one.runs.length);
    }
    expect(readFileSync(pooled.markdown, 'utf8')).toMatch(/Pooled from 2 directories of this study \(.*seed 0, 32 runs; .*seed 7, 32 runs\)/);
    await runStudy({ definition: { ...definition, seqLen: 32 }, dir: c, workers: 2, executor });
    await expect(writeStudyReport({ dir: a, pool: [c], bootstrap: 20, png: false, outDir: join(dir, 'bad-out') })).rejects.toThrow(/--pool: .*pool-c is another study than .*pool-a \(they differ in seqLen\)/);
  }, 60_000);
});
