// A third party's noise type through the experiment difflm is for: examples/custom-noise (`acme/unigram`) named in a
// study file's "plugins", trained by the real trainer in local run processes and by two BullMQ workers started with
// --plugins, recorded in each run directory, and rebuilt by `difflm eval` / `difflm sample` from the run directory
// alone. A worker without the plug-in fails that run once, naming the flag, and takes no retries.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openResultsStore } from '../src/results-store.js';
import { runCli, startCli, waitFor, type CliProcess } from './cli-process.js';
import { startRedis, type RedisHandle } from './redis-server.js';

const example = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples', 'custom-noise');
const exampleEntry = join(example, 'dist', 'index.js');
const scheduleEntry = join(example, '..', 'custom-schedule', 'dist', 'index.js');
const dir = mkdtempSync(join(tmpdir(), 'difflm-plugins-'));
let redis: RedisHandle;
const procs: CliProcess[] = [];

beforeAll(async () => {
  for (const entry of [exampleEntry, scheduleEntry]) if (!existsSync(entry)) throw new Error(`${entry} is not built: run the build first (pnpm test builds it)`);
  redis = await startRedis();
});
afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A tiny study of the plug-in noise beside a built-in: two runs of ~30 steps; with `schedule`, every run samples λ
 * from the third-party schedule of examples/custom-schedule too.
 */
function writeStudy(name: string, o: { schedule?: boolean; schedulePlugin?: boolean } = {}): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({
    name, noise: [{ id: 'acme/unigram', options: { b: -1 } }, 'masked'], models: ['L1-D16-H1'], seqLen: 16, budgets: [4e7],
    batch: { sequences: [4] }, lr: { values: [0.05] }, minSteps: 5,
    evaluation: { loss: 'held-out', batches: 2, batchSize: 4, levels: 2 },
    // Paths relative to the study file (package names work too).
    plugins: [relative(dir, exampleEntry), ...(o.schedulePlugin ?? o.schedule ? [relative(dir, scheduleEntry)] : [])],
    ...(o.schedule ? { trainer: { objectiveOptions: { schedule: 'acme/shifted-cosine', scheduleOptions: { shift: -1 } } } } : {}),
  }));
  return file;
}

const runDirOf = (studyDir: string, noiseId: string): string => {
  const runs = join(studyDir, 'runs');
  const hit = readdirSync(runs).find((id) => {
    const config = join(runs, id, 'config.json');
    return existsSync(config) && (JSON.parse(readFileSync(config, 'utf8')) as { objective: { noise: { id: string } } }).objective.noise.id === noiseId;
  });
  if (!hit) throw new Error(`no run directory of ${noiseId} under ${runs}`);
  return join(runs, hit);
};

describe('noise plug-ins in studies', () => {
  it('a study file\'s plug-in trains in local run processes, is recorded in the run directory, and eval/sample rebuild it from there', async () => {
    const studyDir = join(dir, 'local');
    // Without the schedule's module the study stops before any work, naming the field.
    const missing = await runCli(['study', '--file', writeStudy('no-schedule', { schedule: true, schedulePlugin: false }), '--dir', join(dir, 'no-schedule'), '--json'], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^difflm study: trainer\.objectiveOptions \(noise "acme\/unigram"\): schedule: unknown schedule id "acme\/shifted-cosine"/);
    expect(existsSync(join(dir, 'no-schedule'))).toBe(false);

    const r = await runCli(['study', '--file', writeStudy('local', { schedule: true }), '--dir', studyDir, '--workers', '2', '--no-report', '--json'], { cwd: dir });
    expect(r.stderr).not.toMatch(/failed|Error/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ runs: 2, done: 2, failed: 0 });
    // study.json keeps the plug-ins as absolute paths, so the study resumes and reports from any directory.
    expect(JSON.parse(readFileSync(join(studyDir, 'study.json'), 'utf8')).plugins).toEqual([exampleEntry, scheduleEntry]);

    const runDir = runDirOf(studyDir, 'acme/unigram');
    const records = [{ module: exampleEntry, version: '0.1.0' }, { module: scheduleEntry, version: '0.1.0' }];
    const stored = JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8')) as { plugins: unknown; objective: { objectiveOptions: unknown } };
    expect(stored.plugins).toEqual(records);
    expect(stored.objective.objectiveOptions).toEqual({ schedule: 'acme/shifted-cosine', scheduleOptions: { shift: -1 } });
    expect(JSON.parse(readFileSync(join(runDirOf(studyDir, 'difflm/hybrid'), 'config.json'), 'utf8')).plugins).toEqual(records);

    // From another directory, with no --plugins: the run directory names what to load.
    const ev = await runCli(['eval', '--run-dir', runDir, '--batches', '1', '--json'], { cwd: tmpdir() });
    expect(ev.stderr).toBe('');
    expect(ev.code).toBe(0);
    expect(JSON.parse(ev.stdout)).toMatchObject({ objective: 'diffusion' });
    expect(Number.isFinite((JSON.parse(ev.stdout) as { elbo: number }).elbo)).toBe(true);
    const sample = await runCli(['sample', '--run-dir', runDir, '--num-samples', '1', '--length', '8', '--json'], { cwd: tmpdir() });
    expect(sample.code).toBe(0);
    expect(sample.stdout.trim().length).toBeGreaterThan(0);
    // The third-party schedule places the sampler's steps too (--grid takes any λ schedule the run's plug-ins register).
    const shifted = await runCli(['sample', '--run-dir', runDir, '--num-samples', '1', '--length', '8', '--grid', 'acme/shifted-cosine', '--grid-options', '{"shift":-1}', '--json'], { cwd: tmpdir() });
    expect(shifted.stderr).toBe('');
    expect(shifted.code).toBe(0);
    const badGrid = await runCli(['sample', '--run-dir', runDir, '--grid', 'acme/shifted-cosine', '--grid-options', '{"shfit":1}'], { cwd: tmpdir() });
    expect(badGrid.code).toBe(1);
    expect(badGrid.stderr.trim()).toMatch(/^difflm sample: --grid acme\/shifted-cosine: .*unknown option "shfit"/);

    // The report reads study.json without loading the plug-in.
    const rep = await runCli(['report', '--dir', studyDir, '--json'], { cwd: tmpdir() });
    expect(rep.stderr).not.toMatch(/acme\/unigram.*not registered|unknown noise/i);
    expect(rep.code).toBe(0);
  }, 180_000);

  it('a run config file lists plug-ins relative to itself; --resume reloads them from the run directory', async () => {
    const cfg = join(dir, 'unigram-config.json');
    writeFileSync(cfg, JSON.stringify({
      plugins: [relative(dir, exampleEntry)],
      objective: { kind: 'diffusion', noise: { id: 'acme/unigram', options: { b: -1 } } },
      model: { dModel: 16, nLayers: 1, nHeads: 1 }, batchSize: 2, seqLen: 16, budget: { steps: 4 }, checkpointEvery: 2,
      schedule: { warmupSteps: 1 },
    }));
    const runDir = join(dir, 'train-run');
    const first = await runCli(['train', '--config', cfg, '--run-dir', runDir, '--json'], { cwd: tmpdir() });
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.code).toBe(0);
    expect(JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8')).plugins).toEqual([{ module: exampleEntry, version: '0.1.0' }]);
    // A bad list names the file and the field.
    writeFileSync(cfg, JSON.stringify({ plugins: 'oops', budget: { steps: 1 } }));
    const bad = await runCli(['train', '--config', cfg, '--run-dir', join(dir, 'never'), '--json'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toMatch(/^difflm train: .*unigram-config\.json: "plugins" must be a list of plug-in modules/);
    // Resuming a finished run with no flags at all: the recorded plug-in is loaded again (else: unknown noise id).
    const again = await runCli(['train', '--resume', '--run-dir', runDir, '--json'], { cwd: tmpdir() });
    expect(again.stderr).not.toMatch(/unknown noise|not registered/i);
    expect(again.code).toBe(0);
  }, 120_000);

  it('two workers started with --plugins train it; a worker without the plug-in fails that run once, naming the flag', async () => {
    // A worker that lacks the plug-in: the plug-in run fails without retries, the built-in run trains.
    const lacking = startCli(['worker', '--redis', redis.url, '--queue', 'lacking', '--slots', '1', '--work-dir', join(dir, 'w0')], { cwd: dir });
    procs.push(lacking);
    await waitFor('worker ready', () => lacking.stderr().includes('ready'), 60_000);
    const failed = await runCli(['study', '--file', writeStudy('lacking'), '--dir', join(dir, 'lacking'), '--redis', redis.url, '--queue', 'lacking', '--max-attempts', '3', '--no-report', '--json'], { cwd: dir });
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ runs: 2, done: 1, failed: 1 });
    const failures = lacking.stderr().split('\n').filter((l) => l.includes('job-failed'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/noise type "acme\/unigram" is not registered in this worker; the study loads its plug-ins from .*custom-noise.*: start the worker with --plugins/);
    const store = openResultsStore(join(dir, 'lacking', 'study.db'));
    const bad = store.list({ study: 'lacking' }).find((x) => x.status === 'failed');
    expect(bad?.attempts ?? 0).toBeLessThanOrEqual(1);
    store.close();
    lacking.child.kill('SIGTERM');
    await lacking.exited;

    // Two workers with the plug-in (a path relative to their own directory).
    const plugin = relative(dir, exampleEntry);
    const workers = ['w1', 'w2'].map((w) => startCli(['worker', '--redis', redis.url, '--queue', 'with', '--slots', '1', '--plugins', plugin, '--work-dir', join(dir, w)], { cwd: dir }));
    procs.push(...workers);
    await waitFor('both workers ready', () => workers.every((w) => w.stderr().includes('ready')), 60_000);
    expect(workers[0]!.stderr()).toMatch(/plug-in noise types acme\/unigram/);
    const ok = await runCli(['study', '--file', writeStudy('with'), '--dir', join(dir, 'with'), '--redis', redis.url, '--queue', 'with', '--no-report', '--json'], { cwd: dir });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ runs: 2, done: 2, failed: 0 });
    const trained = ['w1', 'w2'].flatMap((w) => (existsSync(join(dir, w)) ? readdirSync(join(dir, w)) : []).map((id) => join(dir, w, id)));
    const unigram = trained.find((d) => (JSON.parse(readFileSync(join(d, 'config.json'), 'utf8')) as { objective: { noise: { id: string } } }).objective.noise.id === 'acme/unigram');
    expect(unigram).toBeDefined();
    expect(JSON.parse(readFileSync(join(unigram!, 'config.json'), 'utf8')).plugins).toEqual([{ module: exampleEntry, version: '0.1.0' }]);
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
  }, 240_000);
});
