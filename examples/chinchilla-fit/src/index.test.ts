import { spawnSync } from 'node:child_process';
import { REPO_ROOT, sharedPath, sharedSkipReason } from '@difflm/test-utils';
import { describe, expect, it } from 'vitest';
import { defaultCsvPath, fitChinchilla } from './index.js';

const csv = sharedPath('data/chinchilla/svg_extracted_data.csv');

describe.skipIf(!csv)(csv ? 'chinchilla-fit example' : `chinchilla-fit example ${sharedSkipReason('data/chinchilla')}`, () => {
  it("fits the CSV through the public API and lands on Epoch's numbers", () => {
    const r = fitChinchilla(csv!);
    expect(r.kept).toBe(240);
    expect(Math.abs(r.grid.alpha / 0.347313 - 1)).toBeLessThan(1e-3);
    expect(Math.abs(r.mle.beta / 0.36585 - 1)).toBeLessThan(1e-3);
    expect(r.optimal[0]!.size / 2.78e9).toBeCloseTo(1, 1);
    expect(r.text).toContain('maximum likelihood');
  });

  it('runs as a script and prints the fit', () => {
    expect(defaultCsvPath()).toBe(csv);
    const out = spawnSync(process.execPath, ['--conditions=@difflm/source', '--import', 'tsx', 'examples/chinchilla-fit/src/index.ts'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/245 runs, 240 kept/);
    expect(out.stdout).toMatch(/maximum likelihood .*α=0\.3478/);
  });
});
