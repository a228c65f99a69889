// Bad inputs to `difflm train` give clear errors and leave no run directory (or leave it unchanged).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from 'citty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@difflm/test-utils';
import { main } from '@difflm/cli';
import { embeddedCorpus, removeTempDirs, tempDir } from './fixtures.js';

const train = (...rawArgs: string[]) => runCommand(main, { rawArgs: ['train', '--json', '--backend', 'cpu', ...rawArgs] });

describe('difflm train: bad inputs', () => {
  let tmp: string;
  let data: Awaited<ReturnType<typeof embeddedCorpus>>;
  afterAll(removeTempDirs);
  beforeAll(async () => {
    await useBackend('cpu');
    data = await embeddedCorpus();
    tmp = tempDir('difflm-cli-');
  });

  const cases: [string, () => string[], RegExp][] = [
    ['a missing corpus path', () => ['--corpus', '/no/such/corpus.txt'], /\/no\/such\/corpus\.txt/],
    ['a missing data directory', () => ['--data', join(tmp, 'nope')], /nope does not exist/],
    ['a config with an unknown field', () => { const f = join(tmp, 'unknown.json'); writeFileSync(f, JSON.stringify({ budget: { steps: 2 }, batchSize: 2, seqLen: 16, learningRate: 1 })); return ['--config', f, '--data', data.dir]; }, /unknown field 'learningRate'/],
    ['heads not dividing width', () => { const f = join(tmp, 'heads.json'); writeFileSync(f, JSON.stringify({ model: { dModel: 64, nLayers: 1, nHeads: 3 }, budget: { steps: 2 }, batchSize: 2, seqLen: 16 })); return ['--config', f, '--data', data.dir]; }, /nHeads \(3\) must divide dModel \(64\)/],
    ['an unknown noise id', () => ['--noise', 'acme/nothing', '--data', data.dir, '--steps', '2'], /unknown noise id "acme\/nothing"/],
    ['a missing backend', () => ['--data', data.dir, '--steps', '2', '--backend', 'tensorflow-gpu'], /tensorflow-gpu|tfjs-node-gpu/],
    // Round three (issue #28): each of these used to be accepted or answered with zod's bare "Invalid input".
    ['--resume of a directory that does not exist', () => ['--resume', '--data', data.dir, '--steps', '2'], /--resume: .* does not exist, so there is no run to continue; drop --resume/],
    ['a budget with both steps and tokens', () => { const f = join(tmp, 'two-budgets.json'); writeFileSync(f, JSON.stringify({ budget: { steps: 2, tokens: 100 }, batchSize: 2, seqLen: 16 })); return ['--config', f, '--data', data.dir]; }, /budget: has steps and tokens: give exactly one of \{ "steps": <integer ≥ 1> \}/],
    ['a string step count', () => { const f = join(tmp, 'string-steps.json'); writeFileSync(f, JSON.stringify({ budget: { steps: '40' }, batchSize: 2, seqLen: 16 })); return ['--config', f, '--data', data.dir]; }, /budget\.steps: must be an integer ≥ 1, got "40"/],
    ['a weight decay that collapses the run', () => { const f = join(tmp, 'wd.json'); writeFileSync(f, JSON.stringify({ budget: { steps: 2 }, batchSize: 2, seqLen: 16, optimizer: { weightDecay: 1e6 } })); return ['--config', f, '--data', data.dir]; }, /optimizer\.weightDecay: must be ≤ 1/],
  ];
  for (const [name, argv, message] of cases) {
    it(`${name} → a clear error, no run directory`, async () => {
      const runDir = join(tmp, `run-${name.replace(/\W+/g, '-')}`);
      const args = argv();
      const i = args.indexOf('--backend');
      const all = i >= 0 ? ['--run-dir', runDir, ...args] : ['--run-dir', runDir, ...args];
      await expect(runCommand(main, { rawArgs: ['train', '--json', ...(i >= 0 ? [] : ['--backend', 'cpu']), ...all] })).rejects.toThrow(message);
      expect(existsSync(runDir)).toBe(false);
    });
  }

  it('--resume with flags that would change the run → an error naming each difference; the same flags resume', async () => {
    const runDir = join(tmp, 'resume-flags');
    const flags = ['--data', data.dir, '--steps', '4', '--checkpoint-every', '2', '--batch', '2', '--seq-len', '16'];
    await train('--run-dir', runDir, ...flags);
    const before = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8');
    await expect(train('--run-dir', runDir, '--resume', '--data', data.dir, '--steps', '500', '--lr', '99', '--noise', 'uniform', '--batch', '2', '--seq-len', '16', '--checkpoint-every', '2'))
      .rejects.toThrow(/resume: budget\.steps \(500 here, 4 in the run\), objective\.noise\.id \("difflm\/uniform" here, "difflm\/masked" in the run\), schedule\.peakLr \(99 here, .* in the run\) differ from .*config\.json/);
    expect(readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')).toBe(before);
    await train('--run-dir', runDir, '--resume', ...flags); // the command line that started the run resumes it
  }, 60_000);

  it('a corrupt or truncated checkpoint → a clear error on --resume, the run directory unchanged', async () => {
    const runDir = join(tmp, 'corrupt');
    await train('--run-dir', runDir, '--data', data.dir, '--steps', '4', '--checkpoint-every', '2', '--batch', '2', '--seq-len', '16');
    const ckpts = readdirSync(join(runDir, 'checkpoints'));
    const last = join(runDir, 'checkpoints', ckpts.at(-1)!);
    const bytes = readFileSync(last);
    writeFileSync(last, bytes.subarray(0, bytes.length - 10));
    const before = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8');
    await expect(train('--run-dir', runDir, '--resume')).rejects.toThrow(/unreadable: checksum mismatch \(the file is truncated/);
    bytes[bytes.length - 5]! ^= 0x55;
    writeFileSync(last, bytes);
    await expect(train('--run-dir', runDir, '--resume')).rejects.toThrow(/checksum mismatch/);
    expect(readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')).toBe(before);
    expect(readdirSync(join(runDir, 'checkpoints'))).toEqual(ckpts);
  }, 60_000);
});
