/// <reference lib="dom" />
// `difflm report` writes report.html: a self-contained page that a real browser (headless Chromium, the system's,
// driven by puppeteer-core) renders without console errors or network requests; its plots have marks, hovering a
// point shows that run's id and loss (the numbers of report.json), the toggles hide a noise type, and user strings
// stay text.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import puppeteer, { type Browser } from 'puppeteer-core';
import { chromiumPath, removeTempDirs, tempDir } from './fixtures.js';

const bin = join(dirname(createRequire(import.meta.url).resolve('@difflm/cli/package.json')), 'dist', 'bin.js');
const chromium = chromiumPath();
const title = chromium ? 'report.html in headless Chromium' : 'report.html in headless Chromium (SKIPPED: no Chromium found; `apt-get install chromium` or set DIFFLM_CHROMIUM)';

describe.skipIf(!chromium)(title, () => {
  let browser: Browser | undefined;
  afterAll(async () => { await browser?.close(); removeTempDirs(); });

  it('renders every plot, shows a run on hover, toggles noise types and keeps user strings as text', async () => {
    const dir = tempDir('difflm-report-html-');
    const hostile = 'Fake study <img src=x onerror="window.__injected = 1"> & </script><script>window.__injected = 2</script>';
    const definition = {
      name: 'html-report', description: hostile, noise: ['masked', 'uniform'], seqLen: 16,
      budgets: [
        { flops: 2e10, models: ['L1-D32-H2', 'L1-D48-H2', 'L1-D64-H2', 'L1-D96-H2', 'L1-D128-H2'] },
        { flops: 6e10, models: ['L1-D32-H2', 'L1-D48-H2', 'L1-D64-H2', 'L1-D96-H2', 'L1-D128-H2'] },
        { flops: 2e11, models: ['L1-D48-H2', 'L1-D64-H2', 'L1-D96-H2', 'L1-D128-H2', 'L1-D192-H2'] },
      ],
      batch: { sequences: [4] }, lr: { values: [0.1] }, minSteps: 5, evaluation: { batches: 2, batchSize: 4, levels: 2 },
    };
    writeFileSync(join(dir, 'study.json'), JSON.stringify(definition));
    const env = { ...process.env, DIFFLM_FAKE_MS_PER_STEP: '0', DIFFLM_FAKE_POINTS: '6' };
    const study = spawnSync(process.execPath, [bin, 'study', '--file', join(dir, 'study.json'), '--dir', join(dir, 's'), '--executor', 'fake', '--workers', '2'], { encoding: 'utf8', env, timeout: 180_000 });
    expect(study.status, study.stderr).toBe(0);
    const report = spawnSync(process.execPath, [bin, 'report', '--dir', join(dir, 's'), '--bootstrap', '50'], { encoding: 'utf8', timeout: 180_000 });
    expect(report.status, report.stderr).toBe(0);
    const html = join(dir, 's', 'report', 'report.html');
    const data = JSON.parse(readFileSync(join(dir, 's', 'report', 'report.json'), 'utf8')) as {
      points: { noise: string; loss: number; runs: string[] }[];
      fit: { exponentTable: { group: string; alphaM?: { estimate: number; lower: number; upper: number } }[] };
    };

    browser = await puppeteer.launch({ executablePath: chromium!, args: ['--no-sandbox', '--headless=new'] });
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warn') problems.push(`console ${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${String(e)}`));
    page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) problems.push(`network request: ${r.url()}`); });
    await page.setViewport({ width: 1300, height: 900 });
    await page.goto(`file://${html}`);
    await page.waitForFunction(() => document.body.dataset.ready !== undefined, { timeout: 60_000 });
    expect(await page.evaluate(() => document.body.dataset.ready)).toBe('true');

    // Every plot has marks: points in each IsoFLOP view, lines or points in every frontier view.
    const counts = await page.$$eval('.view', (views) => views.map((v) => ({ id: v.id, marks: v.querySelectorAll('.role-mark.mark-symbol path, .role-mark.mark-line path').length })));
    expect(counts.length).toBeGreaterThanOrEqual(2 + 4);
    for (const c of counts) expect(c.marks, c.id).toBeGreaterThan(0);

    // Hover the points of the masked IsoFLOP view: the tooltip names the point's run and its loss as in report.json.
    const points = await page.$$eval('#isoflop-0 .points_marks path', (els) => els.map((e) => { const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2] as [number, number]; }));
    expect(points.length).toBe(15);
    const seen = new Set<string>();
    for (const [x, y] of points.slice(0, 5)) {
      await page.mouse.move(x, y);
      await page.waitForFunction(() => (document.getElementById('vg-tooltip-element')?.textContent ?? '').length > 0, { timeout: 5_000 });
      const tip = await page.$eval('#vg-tooltip-element', (e) => e.textContent ?? '');
      const point = data.points.find((p) => p.noise === 'masked' && tip.includes(p.runs[0]!));
      expect(point, `a run of report.json in the tooltip: ${tip}`).toBeDefined();
      expect(tip).toContain(point!.loss.toFixed(4));
      seen.add(point!.runs[0]!);
      // The loss curve of the hovered run is drawn beside.
      expect(await page.$$eval('#isoflop-0 .mark-line path', (els) => els.length)).toBeGreaterThan(3);
    }
    expect(seen.size).toBeGreaterThanOrEqual(3);

    // The exponent table carries report.json's numbers.
    const cells = await page.$$eval('#exponents td[data-exponent="alphaM"]', (els) => els.map((e) => ({ group: (e as HTMLElement).dataset.group, estimate: Number((e as HTMLElement).dataset.estimate), lower: Number((e as HTMLElement).dataset.lower), upper: Number((e as HTMLElement).dataset.upper) })));
    for (const row of data.fit.exponentTable.filter((r) => r.alphaM)) expect(cells).toContainEqual({ group: row.group, estimate: row.alphaM!.estimate, lower: row.alphaM!.lower, upper: row.alphaM!.upper });

    // Toggling masked off hides its IsoFLOP view, its exponent row and its frontier points; on again brings them back.
    const frontierPoints = () => page.$$eval('#frontier-flopsPerToken .role-mark.mark-symbol path', (els) => els.length);
    const before = await frontierPoints();
    expect(before).toBeGreaterThan(0);
    await page.click('.noise-toggle[data-index="0"]');
    await page.waitForFunction(() => (document.querySelector('.view.isoflop[data-noise-index="0"]') as HTMLElement).style.display === 'none');
    await page.waitForFunction((n) => document.querySelectorAll('#frontier-flopsPerToken .role-mark.mark-symbol path').length < n, {}, before);
    expect(await page.$eval('#exponents tr[data-noise="masked"]', (e) => (e as HTMLElement).style.display)).toBe('none');
    expect(await page.$eval('.view.isoflop[data-noise-index="1"]', (e) => (e as HTMLElement).style.display)).toBe('');
    await page.click('.noise-toggle[data-index="0"]');
    await page.waitForFunction((n) => document.querySelectorAll('#frontier-flopsPerToken .role-mark.mark-symbol path').length === n, {}, before);

    // User strings are text: nothing injected ran, and the description reads as written.
    expect(await page.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined();
    expect(await page.$eval('.description', (e) => e.textContent)).toBe(hostile);
    expect(problems).toEqual([]);
  }, 300_000);
});
