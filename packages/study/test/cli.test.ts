// `difflm study | runs | report` from the command line (run from source), with the fake executor
// (test-only) standing in for training.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCli, waitFor } from './cli-process.js';
import { freePort } from './redis-server.js';

const dir = mkdtempSync(join(tmpdir(), 'difflm-cli-'));
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tiny = { name: 'tiny', noise: ['masked', 'uniform'], models: ['L1-D16-H1', 'L1-D32-H2', 'L2-D32-H2'], seqLen: 16, budgets: [5e8, 1e9], batch: { sequences: [4] }, lr: { values: [0.1] }, minSteps: 5 };
const write = (name: string, value: unknown) => {
  const f = join(dir, name);
  writeFileSync(f, typeof value === 'string' ? value : JSON.stringify(value));
  return f;
};

describe('difflm study --dry-run', () => {
  it('prints the grid, every run with FLOPs and tokens, totals and wall-time estimates per backend', async () => {
    const r = await runCli(['study', '--preset', 'quick', '--dry-run', '--workers', '2'], { cwd: dir });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('study quick: 20 runs');
    // The curve design: each run is read at several budgets (the last column).
    const rows = lines.filter((l) => /^r[0-9a-f]{16}\s+(masked|uniform)\s+L2-D/.test(l));
    expect(rows).toHaveLength(20);
    expect(rows.every((l) => Number(l.trim().split(/\s+/).at(-1)) >= 1)).toBe(true);
    expect(r.stdout).toMatch(/total: 20 runs, [\d.]+e\+\d+ tokens, [\d.]+e\+\d+ FLOPs/);
    expect(r.stdout).toMatch(/estimated wall time with 2 worker process\(es\):\n\s+wasm\s+[\d.]+ (s|min|h)/);
    // The precision the plan buys, predicted from the preset's prior, per noise type.
    expect(r.stdout).toMatch(/precision \(masked, from the prior: run noise \d\.\d\d%.*\n\s+α_M \(IsoFLOP vertices\) 95% half-width ±0\.\d+ /);
    expect(r.stdout).toMatch(/precision \(uniform, /);
    expect(existsSync(join(dir, 'studies'))).toBe(false); // a dry run writes nothing

    const j = await runCli(['study', '--file', write('tiny.json', tiny), '--dry-run', '--json', '--workers', '1'], { cwd: dir });
    const s = JSON.parse(j.stdout) as { totalRuns: number; totalFlops: number; runs: { flops: number; tokens: number; flopsPerToken: number }[]; estimates: { backend: string; wallSeconds: number; cpuSeconds: number }[] };
    expect(s.totalRuns).toBe(12);
    expect(s.totalFlops).toBeCloseTo(s.runs.reduce((a, r) => a + r.tokens * r.flopsPerToken, 0), 0);
    for (const e of s.estimates) expect(e.wallSeconds).toBeCloseTo(e.cpuSeconds, 6); // one worker: wall = Σ runs
  });

  it('--backend webgpu that cannot start: one line says why, then the stored rates as without it', async () => {
    const r = await runCli(['study', '--file', write('tiny.json', tiny), '--dry-run', '--backend', 'webgpu', '--workers', '2'], { cwd: dir, env: { VK_ICD_FILENAMES: join(dir, 'no-such-icd.json') } });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^difflm study: --dry-run could not measure webgpu's throughput \(.+\); the estimates below use the stored CPU rates$/m);
    expect(r.stdout).toMatch(/estimated wall time with 2 worker process\(es\):\n\s+wasm\s+[\d.]+ (s|min|h)/);
    expect(r.stdout).not.toMatch(/measured:/);
  });

  // SwiftShader (Debian's chromium) is a software WebGPU adapter: slow, but enough for the tiny study's largest model.
  it.skipIf(!existsSync(SWIFTSHADER_ICD))('--backend webgpu measures the adapter\'s throughput on the largest run and labels the estimate', async () => {
    const r = await runCli(['study', '--file', write('tiny.json', tiny), '--dry-run', '--backend', 'webgpu', '--json'], { cwd: dir, env: { VK_ICD_FILENAMES: SWIFTSHADER_ICD, XDG_RUNTIME_DIR: dir } });
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as { workers: number; estimates: { backend: string; source: string }[] };
    expect(s.workers).toBe(1); // one run process at a time on a GPU
    expect(s.estimates.map((e) => e.backend)).toEqual(['webgpu']);
    expect(s.estimates[0]!.source).toMatch(/^measured: [\d.]+k? tokens\/s on .*swiftshader.* \(software\) \(L2-D32-H2, 4 × 16; median of 3 steps after 2 warm-up\)$/i);
  }, 60_000);
});

describe('bad study files fail with a clear error before any work starts', () => {
  const cases: [string, unknown, RegExp][] = [
    ['unknown noise id', { ...tiny, noise: ['masked', 'gaussian'] }, /noise\[1\]: unknown noise "gaussian"; use one of masked/],
    ['budget too small for the smallest model', { ...tiny, budgets: [1e5] }, /budgets: 1\.00e\+5 FLOPs gives L1-D16-H1 .* raise the budget to at least/],
    ['malformed grid', { ...tiny, models: 'L1-D16', budgets: [] }, /is not a valid study definition: models: .*; budgets: list at least one compute budget.*\n$/],
    ['not JSON', '{"name": "tiny", noise: }', /is not valid JSON/],
  ];
  for (const [what, file, message] of cases) {
    it(what, async () => {
      const r = await runCli(['study', '--file', write(`${what.replaceAll(' ', '-')}.json`, file), '--executor', 'fake', '--dir', join(dir, 'never')], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(existsSync(join(dir, 'never'))).toBe(false);
    });
  }
  it('unreachable Redis', async () => {
    const port = await freePort();
    const r = await runCli(['study', '--file', write('ok.json', tiny), '--executor', 'fake', '--redis', `redis://:secret@127.0.0.1:${port}`, '--dir', join(dir, 'never')], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`difflm study: cannot reach Redis at redis://127.0.0.1:${port}: .*apt-get install redis-server`));
    expect(existsSync(join(dir, 'never'))).toBe(false);
    const w = await runCli(['worker', '--redis', `redis://127.0.0.1:${port}`, '--executor', 'fake'], { cwd: dir });
    expect(w.code).toBe(1);
    expect(w.stderr).toMatch(/difflm worker: cannot reach Redis/);
  });
});

describe('local study: a killed coordinator resumes without rerunning finished runs; runs and report read the store', () => {
  it('kill -9 mid-study, restart, then list / show / export / report', async () => {
    const log = join(dir, 'local-exec.jsonl');
    const env = { DIFFLM_FAKE_EXECUTOR_LOG: log, DIFFLM_FAKE_MS_PER_STEP: '60', DIFFLM_FAKE_POINTS: '10' };
    const file = write('local.json', tiny);
    const studyDir = join(dir, 'local');
    const args = ['study', '--file', file, '--dir', studyDir, '--executor', 'fake', '--workers', '2', '--json'];
    const finishes = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('"finish"')).length : 0);
    const first = startCli(args, { cwd: dir, env });
    await waitFor('3 finished runs', () => finishes() >= 3, 30_000);
    first.child.kill('SIGKILL');
    await first.exited;
    const before = finishes();
    const second = await runCli(args, { cwd: dir, env });
    expect(second.code).toBe(0);
    const summary = JSON.parse(second.stdout) as { runs: number; done: number; skipped: number; failed: number };
    expect(summary).toMatchObject({ runs: 12, failed: 0 });
    // Runs recorded before the kill are skipped; a run that had finished but was not yet recorded (at most one per
    // worker) is collected from its result file, not run again (checked below).
    expect(summary.skipped).toBeGreaterThanOrEqual(before - 2);
    expect(summary.done + summary.skipped).toBe(12);
    const ev = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; runId: string });
    const finished = ev.filter((e) => e.event === 'finish').map((e) => e.runId);
    expect(new Set(finished).size).toBe(12);
    expect(finished).toHaveLength(12); // nothing that finished ran twice
    expect(before).toBeGreaterThanOrEqual(3);

    const list = await runCli(['runs', 'list', '--dir', studyDir, '--json'], { cwd: dir });
    const runs = JSON.parse(list.stdout) as { id: string; status: string; finalLoss: number }[];
    expect(runs).toHaveLength(12);
    expect(runs.every((r) => r.status === 'done' && r.finalLoss > 0)).toBe(true);
    const show = await runCli(['runs', 'show', runs[0]!.id, '--dir', studyDir], { cwd: dir });
    const one = JSON.parse(show.stdout) as { id: string; config: { seqLen: number }; curve: unknown[] };
    expect(one).toMatchObject({ id: runs[0]!.id, config: { seqLen: 16 } });
    expect(one.curve).toHaveLength(10);
    const bad = await runCli(['runs', 'show', '../etc/passwd', '--dir', studyDir], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/is not a run id/);
    const csv = await runCli(['runs', 'export', '--format', 'csv', '--dir', studyDir], { cwd: dir });
    expect(csv.stdout.trim().split('\n')).toHaveLength(13);
    const jsonl = await runCli(['runs', 'export', '--format', 'jsonl', '--dir', studyDir], { cwd: dir });
    expect(jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l) as { curve: unknown[] }).every((r) => r.curve.length === 10)).toBe(true);

    const report = await runCli(['report', '--dir', studyDir], { cwd: dir });
    expect(report.code).toBe(0);
    expect(existsSync(join(studyDir, 'report', 'report.md'))).toBe(true);
    expect(existsSync(join(studyDir, 'report', 'report.json'))).toBe(true);
    // Pooling with the study itself is allowed (same study); without --out it would replace the study's own report.
    const noOut = await runCli(['report', '--dir', studyDir, '--pool', studyDir], { cwd: dir });
    expect(noOut.code).toBe(1);
    expect(noOut.stderr).toMatch(/^difflm report: --pool: give --out as well, so the pooled report does not replace the study's own\n$/);
    const pooled = await runCli(['report', '--dir', studyDir, '--pool', studyDir, '--out', join(dir, 'pooled')], { cwd: dir });
    expect(pooled.code, pooled.stderr).toBe(0);
    expect(readFileSync(join(dir, 'pooled', 'report.md'), 'utf8')).toMatch(/Pooled from 2 directories of this study/);
  }, 90_000);
});
