import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openResultsStore, studyPaths } from '@difflm/study';
import { runTinyStudy } from './tiny-study.js';

const dir = mkdtempSync(join(tmpdir(), 'difflm-example-study-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('examples/study', () => {
  it('trains a tiny masked-vs-uniform study with the real trainer and writes its report', async () => {
    const out = await runTinyStudy({ dir });
    expect(out).toMatchObject({ done: 4, failed: 0, skipped: 0 });
    const store = openResultsStore(studyPaths(dir).db);
    const runs = store.list({ study: 'tiny' });
    expect(runs).toHaveLength(4);
    for (const r of runs) {
      expect(r.status).toBe('done');
      // Real training: the smoothed training ELBO ends below where it started, and a held-out ELBO was measured.
      const curve = store.curve(r.id);
      expect(curve.length).toBeGreaterThan(5);
      expect(r.finalLoss).toBeGreaterThan(0);
      expect(r.finalLoss).toBeLessThan(curve[0]!.loss);
      expect(r.metrics?.evalElbo).toBeGreaterThan(0);
    }
    store.close();
    const md = readFileSync(out.report, 'utf8');
    expect(md).toContain('# Study tiny');
    expect(md).toMatch(/\| masked \|/);
    expect(JSON.parse(readFileSync(join(dir, 'report', 'report.json'), 'utf8')).finishedRuns).toBe(4);
  }, 120_000);
});
