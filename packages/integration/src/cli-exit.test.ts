// The difflm process as a user meets it: every bad input ends in one line on stderr naming the flag or file, no
// stack trace unless --debug, an exit code that separates bad input (1), a wrong command line (2) and an internal
// error (70), and the flags are checked before any work (no corpus preparation, no run directory).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorLine } from '@difflm/cli';
import { removeTempDirs, tempDir } from './fixtures.js';

const bin = join(dirname(createRequire(import.meta.url).resolve('@difflm/cli/package.json')), 'dist', 'bin.js');

function difflm(args: string[], env: Record<string, string> = {}, cwd?: string): { code: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000, ...(cwd ? { cwd } : {}) });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

const stackLine = /^\s+at .+\(.*:\d+:\d+\)$|^\s+at .+:\d+:\d+$/m;

describe('difflm: errors a user sees', () => {
  let tmp: string;
  beforeAll(() => {
    if (!existsSync(bin)) throw new Error(`${bin} is not built: run the build first (pnpm test builds it)`);
    tmp = tempDir('difflm-exit-');
  });
  afterAll(removeTempDirs);

  it('a malformed flag: one line naming it, exit 1, checked before the corpus is prepared', () => {
    const corpus = join(tmp, 'docs.txt');
    writeFileSync(corpus, 'one document\n\nanother one\n');
    const cache = join(tmp, 'cache');
    const runDir = join(tmp, 'run-steps');
    const r = difflm(['train', '--steps', 'abc', '--corpus', corpus, '--run-dir', runDir], { XDG_CACHE_HOME: cache, DIFFLM_CACHE_DIR: cache });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual(['difflm train: --steps must be an integer, got "abc"']);
    expect(existsSync(runDir)).toBe(false);
    expect(existsSync(cache)).toBe(false);
  });

  it('--debug adds the stack; without it there is none', () => {
    const runDir = join(tmp, 'run-debug');
    const plain = difflm(['train', '--batch', '0', '--run-dir', runDir]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).not.toMatch(stackLine);
    const debug = difflm(['train', '--batch', '0', '--run-dir', runDir, '--debug']);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(stackLine);
    expect(debug.stderr.split('\n')[0]).toBe(plain.stderr.split('\n')[0]);
  });

  it('a wrong command line: exit 2 and the help to read', () => {
    const unknown = difflm(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe('difflm: Unknown command frobnicate (see difflm --help)');
    const missing = difflm(['train']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe('difflm train: Missing required argument: --run-dir (see difflm train --help)');
  });

  it('an unknown flag is refused (exit 2, the nearest flag suggested), not ignored: nothing is trained or created', () => {
    const runDir = join(tmp, 'run-unknown-flag');
    const typo = difflm(['train', '--run-dir', runDir, '--step', '5']);
    expect(typo.code).toBe(2);
    expect(typo.stderr.trim()).toBe('difflm train: unknown flag --step; did you mean --steps? (see difflm train --help)');
    const absent = difflm(['train', '--run-dir', runDir, '--dry-run']);
    expect(absent.code).toBe(2);
    expect(absent.stderr.trim()).toBe('difflm train: unknown flag --dry-run (see difflm train --help)');
    expect(existsSync(runDir)).toBe(false);
    // Nested commands check their own flags; values that look like flags (negative numbers) are values.
    expect(difflm(['data', 'info', tmp, '--jsn']).stderr.trim()).toBe('difflm data: unknown flag --jsn; did you mean --json? (see difflm data --help)');
    expect(difflm(['eval', '--run-dir', runDir, '--task', 'cloze', '--seed', '-3']).stderr).not.toMatch(/unknown flag/);
  });

  it('every command reports its errors the same way', () => {
    const cases: [string[], RegExp][] = [
      [['eval', '--run-dir', join(tmp, 'none')], /^difflm eval: /],
      [['sample', '--run-dir', join(tmp, 'none')], /^difflm sample: /],
      [['fit', join(tmp, 'none.csv')], /^difflm fit: \S+none\.csv is not a file: give a runs table \(\.csv or \.jsonl; one row per run\)$/],
      [['fit', tmp], /^difflm fit: \S+ is not a file: give a runs table/],
      [['data', 'prepare', '--corpus', join(tmp, 'none.txt'), '--out', join(tmp, 'out')], /^difflm data: /],
      [['study', '--preset', 'nope', '--dry-run'], /^difflm study: /],
    ];
    for (const [args, first] of cases) {
      const r = difflm(args);
      expect(r.code, args.join(' ')).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines, args.join(' ')).toHaveLength(1);
      expect(lines[0], args.join(' ')).toMatch(first);
      expect(r.stderr).not.toMatch(stackLine);
    }
  });

  it('sizes that cannot work are refused before any work, with the limit and the fix', () => {
    const config = join(tmp, 'eval-batches.json');
    writeFileSync(config, JSON.stringify({ eval: { batches: 100000 }, budget: { steps: 3 }, batchSize: 2, seqLen: 16 }));
    const cases: [string[], RegExp][] = [
      [['--batch', '100000000'], /batchSize × seqLen = 6400000000 tokens exceeds 1048576 per micro-batch; use gradAccumSteps/],
      [['--seq-len', '1000000'], /seqLen: 1000000 exceeds 65536 tokens per sequence/],
      [['--depth', '64'], /model and batch need about \d+\.\d GiB .* more than this machine's .* choose a smaller model/],
      [['--config', config], /eval\.batches: 100000 exceeds 10000 held-out batches/],
    ];
    for (const [args, message] of cases) {
      const runDir = join(tmp, `run-size-${args[0]!.replace(/\W/g, '')}`);
      const r = difflm(['train', '--run-dir', runDir, ...args]);
      expect(r.code, args.join(' ')).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines, args.join(' ')).toHaveLength(1);
      expect(lines[0], args.join(' ')).toMatch(message);
      expect(existsSync(runDir), args.join(' ')).toBe(false);
    }
  });

  it('empty flag values and a config file that is not an object are refused, not ignored', () => {
    const nullConfig = join(tmp, 'null.json');
    writeFileSync(nullConfig, 'null');
    const cases: [string[], string][] = [
      [['train', '--lr=', '--steps', '2'], 'difflm train: --lr needs a value (got an empty one, as from "--lr=")'],
      [['train', '--config', nullConfig], `difflm train: --config: ${nullConfig} must hold a JSON object (a TrainRunConfig), got null`],
      [['sample', '--steps='], 'difflm sample: --steps needs a value (got an empty one, as from "--steps=")'],
    ];
    for (const [args, line] of cases) {
      const runDir = join(tmp, `run-empty-${args[1]!.replace(/\W/g, '')}`);
      const r = difflm([...args, '--run-dir', runDir]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.trim(), args.join(' ')).toBe(line);
      expect(existsSync(runDir), args.join(' ')).toBe(false);
    }
  });

  it('noise, backend and corpus are checked before any status line or work; a study file\'s problems fit one line', () => {
    const study = join(tmp, 'two-problems.json');
    writeFileSync(study, JSON.stringify({ name: '..', noise: ['masked'], budgets: [1e12], models: ['L2-D32-H2'] }));
    const cases: [string[], RegExp][] = [
      [['train', '--noise', 'gaussian'], /^difflm train: unknown noise id "difflm\/gaussian"|^difflm train: unknown noise id "gaussian"/],
      [['train', '--noise', 'hybrid', '--noise-options', '{"bogus":1}'], /^difflm train: difflm\/hybrid options: /],
      [['train', '--noise-options', '{"b":1}'], /^difflm train: --noise-options needs --noise/],
      [['train', '--backend', 'nope'], /^difflm train: --backend: unknown backend 'nope'/],
      [['train', '--corpus', join(tmp, 'missing.txt')], /^difflm train: --corpus: .*missing\.txt does not exist/],
      [['study', '--file', study, '--dry-run'], /^difflm study: .*two-problems\.json is not a valid study definition: name: a study name may not be .*; seqLen: /],
      [['study', '--preset', 'quick', '--redis', 'http://x', '--dry-run'], /^difflm study: --redis: unsupported scheme "http:"/],
    ];
    for (const [args, line] of cases) {
      const runDir = join(tmp, `run-early-${args.join('').replace(/\W/g, '').slice(0, 30)}`);
      const r = difflm(args[0] === 'train' ? [...args, '--run-dir', runDir] : args);
      expect(r.code, args.join(' ')).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines, args.join(' ')).toHaveLength(1);
      expect(lines[0], args.join(' ')).toMatch(line);
      expect(existsSync(runDir), args.join(' ')).toBe(false);
    }
  });

  it('a plug-in backend trains by its id (--plugins with --backend), and a run of it names it', () => {
    const dir = join(tmp, 'plugin-backend');
    mkdirSync(dir, { recursive: true });
    // A third party's backend written against the contract alone (no import): TensorFlow.js's cpu kernels under its own id.
    writeFileSync(join(dir, 'js-backend.mjs'), `export default {
  kind: 'difflm/backend-plugin', id: 'acme/js', packageName: '@tensorflow/tfjs', description: 'cpu kernels under a plug-in id',
  parseOptions: () => ({}), installHint: () => 'it ships with @tensorflow/tfjs',
  async create(_o, ctx) {
    const tf = await ctx.load('@tensorflow/tfjs');
    await tf.setBackend('cpu'); await tf.ready();
    return { name: 'acme/js', description: 'acme/js (cpu kernels) · tfjs ' + tf.version.tfjs, tf, environment: { backend: 'acme/js' } };
  },
};\n`);
    // A small corpus and model, so plain JavaScript kernels take seconds.
    writeFileSync(join(dir, 'docs.txt'), Array.from({ length: 300 }, (_, i) => `document ${i}: the quick brown fox jumps over the lazy dog ${i % 7} times.`).join('\n\n'));
    writeFileSync(join(dir, 'tiny.json'), JSON.stringify({ model: { dModel: 16, nLayers: 1, nHeads: 1 }, batchSize: 2, seqLen: 16, eval: { batches: 1, levels: 2 } }));
    const cache = join(dir, 'cache');
    const r = difflm(['train', '--plugins', './js-backend.mjs', '--backend', 'acme/js', '--config', 'tiny.json', '--corpus', 'docs.txt', '--steps', '2', '--run-dir', join(dir, 'run'), '--json'], { XDG_CACHE_HOME: cache, DIFFLM_CACHE_DIR: cache }, dir);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { environment: unknown }).environment).toEqual({ backend: 'acme/js' });
    // Where a run trained is not part of it: the run directory records no backend module, so it evaluates elsewhere.
    expect(JSON.parse(readFileSync(join(dir, 'run', 'config.json'), 'utf8')).plugins).toBeUndefined();
    const bad = difflm(['train', '--backend', 'acme/js', '--steps', '2', '--run-dir', join(dir, 'run2')], {}, dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toMatch(/^difflm train: --backend: unknown backend 'acme\/js'; choose one of auto, .*pass its module to --plugins/);
  });

  it('a plug-in path is relative to the current directory, and the first user plug-in is #1', () => {
    const dir = join(tmp, 'plugin-cwd');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'not-a-plugin.mjs'), 'export default { hello: "world" };\n');
    const r = difflm(['train', '--plugins', './not-a-plugin.mjs', '--run-dir', join(dir, 'run')], {}, dir);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^difflm train: --plugins: plug-in #1, module '[^']*plugin-cwd\/not-a-plugin\.mjs', is not a difflm plug-in: its default export must be a noise type, λ schedule, loss weighting, optimizer, sampler or backend/);
    const missing = difflm(['train', '--plugins', './nope.mjs', '--run-dir', join(dir, 'run')], {}, dir);
    expect(missing.stderr.trim()).toMatch(/^difflm train: --plugins: cannot load module '[^']*plugin-cwd\/nope\.mjs' .*relative to the current directory/);
    expect(existsSync(join(dir, 'run'))).toBe(false);
  });

  it('a plug-in package is found from the current directory\'s project, not from the CLI\'s own files', () => {
    const example = join(dirname(bin), '..', '..', '..', 'examples', 'custom-noise');
    const runDir = join(tmp, 'unigram-run');
    const r = difflm(['train', '--plugins', '@difflm/example-custom-noise', '--noise', 'acme/unigram', '--noise-options', '{"b": -1}', '--steps', '2', '--batch', '2', '--seq-len', '16', '--run-dir', runDir, '--json'], {}, example);
    expect(r.stderr).not.toMatch(/cannot load module/);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8')).objective.noise.id).toBe('acme/unigram');
  }, 60_000);

  it('raw JavaScript errors are internal errors (exit 70), difflm\'s own are bad input (exit 1)', () => {
    expect(errorLine('train', new RangeError('Invalid typed array length: -1'), false)).toEqual({
      line: 'difflm train: internal error: Invalid typed array length: -1 (a bug, or an input difflm did not check; rerun with --debug for the stack and report it)', code: 70,
    });
    expect(errorLine('eval', new Error('--batches must be a positive integer\n  at somewhere'), false)).toEqual({ line: 'difflm eval: --batches must be a positive integer', code: 1 });
    const wasm = Object.assign(new Error('Aborted()'), { name: 'RuntimeError' });
    expect(errorLine('train', wasm, false).code).toBe(70);
  });
});
