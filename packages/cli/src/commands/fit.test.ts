import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fitArgsFromFlags, runFit } from './fit.js';

const bin = fileURLToPath(new URL('../bin.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const csv = join(process.env.DIFFLM_SHARED ?? join(repoRoot, '../shared'), 'data/chinchilla/svg_extracted_data.csv');
const haveCsv = existsSync(csv);
const root = mkdtempSync(join(tmpdir(), 'difflm-cli-fit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const rel = (x: number, ref: number): number => Math.abs(x / ref - 1);
const chinchillaFlags = ['--size-col', 'Model Size', '--compute-col', 'Training FLOP', '--loss-col', 'loss', '--drop-top-loss', '5'];

function difflm(...args: string[]) {
  const r = spawnSync(process.execPath, ['--conditions=@difflm/source', '--import', 'tsx', bin, ...args], { encoding: 'utf8', cwd: repoRoot });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

type Law = { A: number; B: number; E: number; alpha: number; beta: number };

describe.skipIf(!haveCsv)(haveCsv ? 'difflm fit on the Chinchilla CSV' : `difflm fit on the Chinchilla CSV SKIPPED: ${csv} not found (set DIFFLM_SHARED)`, () => {
  it("--method approach3 (4,500 starts) reproduces Epoch's grid estimates", async () => {
    const out = await runFit(fitArgsFromFlags({ file: csv, method: 'approach3', 'size-col': 'Model Size', 'compute-col': 'Training FLOP', 'loss-col': 'loss', 'drop-top-loss': '5' }));
    const g = (out.json.groups as Record<string, Law & { starts: number; runs: number }>).all!;
    expect(g.runs).toBe(240);
    expect(g.starts).toBe(4500);
    expect(rel(g.E, 1.81724)).toBeLessThan(1e-3);
    expect(rel(g.alpha, 0.347313)).toBeLessThan(1e-3);
    expect(rel(g.beta, 0.367183)).toBeLessThan(1e-3);
    expect(rel(g.A, 477.84)).toBeLessThan(0.03);
    expect(rel(g.B, 2143.86)).toBeLessThan(0.03);
    expect(out.text).toMatch(/245 runs, 240 used/);
    expect(out.text).not.toMatch(/no outlier rule/);
  });

  it("`difflm fit --method approach3-mle --json` prints Epoch's headline numbers", () => {
    const r = difflm('fit', csv, ...chinchillaFlags, '--method', 'approach3-mle', '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const g = (JSON.parse(r.stdout) as { groups: Record<string, Law & { allocation: { a: number } }> }).groups.all!;
    expect(rel(g.E, 1.8169)).toBeLessThan(1e-3);
    expect(rel(g.alpha, 0.34781)).toBeLessThan(1e-3);
    expect(rel(g.beta, 0.36585)).toBeLessThan(1e-3);
    expect(rel(g.A, 482.01)).toBeLessThan(0.03);
    expect(rel(g.B, 2085.43)).toBeLessThan(0.03);
    expect(g.allocation.a).toBeCloseTo(0.513, 2);
  });
});

describe('difflm fit', () => {
  // A grouped IsoFLOP sweep in the paper's shape: 6 budgets × 5 sizes per group.
  const sweep = join(root, 'sweep.csv');
  const lines = ['noise,M,C,elbo'];
  for (const [g, aM] of [['masked', 0.566], ['uniform', 0.589]] as const) {
    for (let k = 0; k < 6; k++) {
      const C = 1e18 * 10 ** (k * 0.4), mStar = 0.01 * C ** aM;
      for (let j = -2; j <= 2; j++) lines.push(`${g},${mStar * Math.exp(0.6 * j)},${C},${30 * C ** -0.05 * Math.exp(0.04 * (0.6 * j) ** 2)}`);
    }
  }
  writeFileSync(sweep, lines.join('\n'));

  it('--method isoflop fits frontiers per group and writes the report with --out', () => {
    const out = join(root, 'report');
    const r = difflm('fit', sweep, '--method', 'isoflop', '--flops-per-token-col', 'M', '--compute-col', 'C', '--loss-col', 'elbo', '--group-col', 'noise', '--bootstrap', '300', '--json', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout) as { exponentTable: { group: string; alphaM: { estimate: number } }[] };
    expect(json.exponentTable.map((e) => e.group)).toEqual(['masked', 'uniform']);
    expect(json.exponentTable[0]!.alphaM.estimate).toBeCloseTo(0.566, 3);
    expect(json.exponentTable[1]!.alphaM.estimate).toBeCloseTo(0.589, 3);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('| masked |');
    expect(readFileSync(join(out, 'isoflop-masked.svg'), 'utf8')).toMatch(/^<svg/);
    expect(readFileSync(join(out, 'frontier-loss.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('names a missing column and a bad flag', async () => {
    await expect(runFit(fitArgsFromFlags({ file: sweep, 'size-col': 'Model Size', 'loss-col': 'elbo' }))).rejects.toThrow(/"Model Size".*columns are: noise, M, C, elbo/);
    expect(() => fitArgsFromFlags({ file: sweep, method: 'approach4' })).toThrow(/--method must be/);
    expect(() => fitArgsFromFlags({ file: sweep, 'drop-top-loss': 'five' })).toThrow(/--drop-top-loss must be a number/);
  });
});

describe('difflm fit without an outlier rule', () => {
  it('says that none was applied and what the documented rule is', async () => {
    const file = join(root, 'synthetic.csv');
    const rows = ['N,D,loss'];
    for (const n of [1e7, 3e7, 1e8, 3e8]) for (const d of [1e9, 3e9, 1e10]) rows.push(`${n},${d},${(1.7 + 400 / n ** 0.34 + 400 / d ** 0.28).toFixed(5)}`);
    writeFileSync(file, `${rows.join('\n')}\n`);
    const out = await runFit(fitArgsFromFlags({ file, method: 'approach3', 'size-col': 'N', 'tokens-col': 'D', 'loss-col': 'loss' }));
    expect(out.text).toMatch(/note: no outlier rule \(--drop-top-loss 0\); Epoch AI's replication of Chinchilla keeps losses below the 5th largest \(--drop-top-loss 5\)/);
  }, 60_000);
});
