/// <reference lib="dom" />
// The denoising playground (examples/playground) in headless Chromium: it loads runs exported with
// `difflm export --web`, and with a fixed seed its samples are the tokens `difflm sample` draws on the wasm backend
// from the same run, sampler, steps and seed (and on WebGPU, SwiftShader's, the same as on wasm); it shows the
// generation step by step.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import puppeteer, { type Browser } from 'puppeteer-core';
import { SWIFTSHADER_ICD, useBackend } from '@difflm/test-utils';
import { defaultRunComponents } from '@difflm/cli';
import { runTraining } from '@difflm/trainer/node';
import { chromiumPath, embeddedCorpus, removeTempDirs, tempDir, tinyRunConfig } from './fixtures.js';

const bin = join(dirname(createRequire(import.meta.url).resolve('@difflm/cli/package.json')), 'dist', 'bin.js');
const playground = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples', 'playground');
const chromium = chromiumPath();
const icd = SWIFTSHADER_ICD;
const built = existsSync(join(playground, 'dist', 'playground.js'));
const title = !chromium ? 'the playground in headless Chromium (SKIPPED: no Chromium found; `apt-get install chromium` or set DIFFLM_CHROMIUM)'
  : !built ? 'the playground in headless Chromium (SKIPPED: examples/playground is not built; run the build first)' : 'the playground in headless Chromium';

describe.skipIf(!chromium || !built)(title, () => {
  let browser: Browser | undefined;
  let server: ChildProcess | undefined;
  let url = '', tmp = '';
  let page: Awaited<ReturnType<Browser['newPage']>> | undefined;
  const pageRef = () => page;
  beforeAll(async () => { await useBackend('wasm'); });
  afterAll(async () => { await browser?.close(); server?.kill(); removeTempDirs(); });

  it('samples the tokens difflm sample draws (same run, sampler, steps, seed) and shows every step', async () => {
    const data = await embeddedCorpus();
    tmp = tempDir('difflm-playground-');
    const small = { model: { vocabSize: data.vocabSize, seqLen: 32, dModel: 16, nLayers: 1, nHeads: 2 }, seqLen: 32, budget: { steps: 12 } };
    const runs = { masked: join(tmp, 'masked'), uniform: join(tmp, 'uniform') };
    await runTraining({ runDir: runs.masked, config: tinyRunConfig(data.dir, data.vocabSize, small), components: defaultRunComponents() });
    await runTraining({ runDir: runs.uniform, config: tinyRunConfig(data.dir, data.vocabSize, { ...small, objective: { kind: 'diffusion', noise: { id: 'difflm/uniform' } } }), components: defaultRunComponents() });
    const masked = spawnSync(process.execPath, [bin, 'export', '--web', '--run-dir', runs.masked, '--out', join(tmp, 'web-masked'), '--backend', 'wasm'], { encoding: 'utf8', timeout: 60_000 });
    expect(masked.status, masked.stderr).toBe(0);
    // The form: the run directory as the argument, the export beside it as <run-dir>.web.
    const uniform = spawnSync(process.execPath, [bin, 'export', '--web', runs.uniform, '--backend', 'wasm'], { encoding: 'utf8', timeout: 60_000 });
    expect(uniform.status, uniform.stderr).toBe(0);
    renameSync(`${runs.uniform}.web`, join(tmp, 'web-uniform'));
    for (const name of ['masked', 'uniform']) expect(readdirSync(join(tmp, `web-${name}`)).sort()).toEqual(['model.bin', 'model.json']);
    // Exporting onto an existing directory is refused; nothing is overwritten.
    const again = spawnSync(process.execPath, [bin, 'export', '--web', '--run-dir', runs.masked, '--out', join(tmp, 'web-masked')], { encoding: 'utf8' });
    expect(again.status).toBe(1);
    expect(again.stderr.trim()).toBe(`difflm export: --out ${join(tmp, 'web-masked')} exists; give a new directory (nothing is overwritten)`);

    server = spawn(process.execPath, [join(playground, 'serve.mjs'), `masked=${join(tmp, 'web-masked')}`, `uniform=${join(tmp, 'web-uniform')}`], { env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
    url = await new Promise<string>((ok, fail) => {
      server!.stdout!.on('data', (b: Buffer) => { const m = /(http:\/\/\S+)/.exec(b.toString()); if (m) ok(m[1]!); });
      server!.on('exit', (c) => fail(new Error(`serve.mjs exited with ${c}`)));
    });

    browser = await puppeteer.launch({ executablePath: chromium!, args: ['--no-sandbox', '--headless=new'] });
    page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${String(e)}`));
    await page.goto(`${url}&backend=wasm`);
    await page.waitForFunction(() => document.body.dataset.ready !== undefined, { timeout: 60_000 });
    expect(await page.evaluate(() => document.body.dataset.ready), problems.join('\n')).toBe('true');

    for (const [sampler, steps, prompt] of [['ancestral', 8, ''], ['adaptive', 6, 'The ']] as const) {
      await page.$eval('#prompt', (e, v) => { (e as HTMLInputElement).value = v; }, prompt);
      await page.select('#sampler', sampler);
      await page.$eval('#steps', (e, v) => { (e as HTMLInputElement).value = String(v); }, steps);
      await page.$eval('#seed', (e) => { (e as HTMLInputElement).value = '3'; });
      await page.click('#generate');
      await page.waitForFunction(() => /^done|^error/.test(document.getElementById('status')!.textContent ?? ''), { timeout: 120_000 });
      expect(await page.$eval('#status', (e) => e.textContent)).toMatch(/^done .* on wasm$/);
      for (const [i, name] of ['masked', 'uniform'].entries()) {
        const shown = JSON.parse(await page.$eval(`#panel-${i} .sequence`, (e) => (e as HTMLElement).dataset.tokens ?? '[]')) as number[];
        const cli = spawnSync(process.execPath, [bin, 'sample', '--run-dir', runs[name as 'masked' | 'uniform'], '--sampler', sampler, '--steps', String(steps), '--seed', '3', '--num-samples', '1', '--backend', 'wasm', '--json', ...(prompt ? ['--prompt', prompt] : [])], { encoding: 'utf8', timeout: 120_000 });
        expect(cli.status, cli.stderr).toBe(0);
        const expected = (JSON.parse(cli.stdout) as { samples: { tokens: number[] }[] }).samples[0]!.tokens;
        expect(shown, `${name}, ${sampler}`).toEqual(expected);
        // Every step is there to replay: one frame per model call and the end.
        const frames = Number(await page.$eval(`#panel-${i} input[type=range]`, (e) => (e as HTMLInputElement).max)) + 1;
        expect(frames, `${name}, ${sampler}`).toBeGreaterThanOrEqual(2);
        expect(frames).toBeLessThanOrEqual(steps + 2);
      }
    }
    // The first frame of the masked run is all masks after the prompt; scrubbing shows it.
    await page.$eval('#panel-0 input[type=range]', (e) => { const s = e as HTMLInputElement; s.value = '0'; s.dispatchEvent(new Event('input')); });
    const first = await page.$$eval('#panel-0 .tok', (els) => els.map((e) => e.className));
    expect(first.filter((c) => c.includes('noise')).length).toBe(first.length - 4);
    expect(problems).toEqual([]);
  }, 300_000);

  it.skipIf(!existsSync(icd))(existsSync(icd) ? 'on WebGPU (Chromium on SwiftShader\'s Vulkan driver) it draws the tokens it draws on wasm' : `on WebGPU it draws the tokens it draws on wasm (SKIPPED: no ${icd}; Debian's chromium ships it)`, async () => {
    expect(url, 'the wasm test ran first').not.toBe('');
    const page = pageRef()!;
    const gpuBrowser = await puppeteer.launch({ executablePath: chromium!, args: ['--no-sandbox', '--headless=new', '--enable-unsafe-webgpu', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader'], env: { ...process.env, VK_ICD_FILENAMES: icd, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? tmp } });
    try {
      const gpu = await gpuBrowser.newPage();
      await gpu.goto(`${url}&backend=webgpu`);
      await gpu.waitForFunction(() => document.body.dataset.ready !== undefined, { timeout: 120_000 });
      expect(await gpu.$eval('#status', (e) => e.textContent)).toMatch(/on webgpu$/);
      await gpu.$eval('#prompt', (e) => { (e as HTMLInputElement).value = 'The '; });
      await gpu.select('#sampler', 'adaptive');
      await gpu.$eval('#steps', (e) => { (e as HTMLInputElement).value = '6'; });
      await gpu.$eval('#seed', (e) => { (e as HTMLInputElement).value = '3'; });
      await gpu.click('#generate');
      await gpu.waitForFunction(() => /^done|^error/.test(document.getElementById('status')!.textContent ?? ''), { timeout: 240_000 });
      expect(await gpu.$eval('#status', (e) => e.textContent)).toMatch(/^done .* on webgpu$/);
      for (const i of [0, 1]) {
        const onGpu = await gpu.$eval(`#panel-${i} .sequence`, (e) => (e as HTMLElement).dataset.tokens);
        expect(onGpu).toBe(await page.$eval(`#panel-${i} .sequence`, (e) => (e as HTMLElement).dataset.tokens));
      }
    } finally {
      await gpuBrowser.close();
    }
  }, 300_000);
});
