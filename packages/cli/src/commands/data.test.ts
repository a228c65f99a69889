import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'difflm-cli-data-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function difflm(...args: string[]) {
  const r = spawnSync(process.execPath, ['--conditions=@difflm/source', '--import', 'tsx', bin, ...args], { encoding: 'utf8', cwd: repoRoot });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('difflm data', () => {
  const corpus = join(root, 'tiny.jsonl');
  writeFileSync(corpus, Array.from({ length: 12 }, (_, i) => JSON.stringify({ body: `document ${i}: ünïcödé ${'word '.repeat(i)}` })).join('\n'));

  it('prepare --json writes shards and prints a JSON summary; info reads them back', () => {
    const out = join(root, 'out');
    const r = difflm('data', 'prepare', '--corpus', corpus, '--field', 'body', '--tokenizer', 'byte', '--out', out, '--validation-fraction', '0.25', '--json');
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ dir: out, tokenizer: 'byte', vocabSize: 260, dtype: 'uint16', special: { eos: 257, mask: 259 } });
    expect(s.splits.train.documents + s.splits.validation.documents).toBe(12);
    expect(s.splits.validation.documents).toBeGreaterThan(0);
    expect(s.unigramEntropy.natsPerToken).toBeGreaterThan(0);
    expect(s.unigramEntropy.natsPerToken).toBeLessThan(Math.log(260));
    const info = difflm('data', 'info', out, '--json');
    expect(info.status).toBe(0);
    expect(JSON.parse(info.stdout).splits).toEqual(s.splits);
  });

  it('prepare trains a BPE tokenizer with --vocab-size', () => {
    const out = join(root, 'out-bpe');
    const r = difflm('data', 'prepare', '--corpus', corpus, '--format', 'jsonl', '--field', 'body', '--tokenizer', 'bpe', '--vocab-size', '300', '--out', out, '--json');
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.tokenizer).toBe('bpe');
    expect(s.vocabSize).toBeLessThanOrEqual(300);
    expect(s.splits.train.bytesPerToken).toBeGreaterThan(1);
  });

  it('bad inputs fail with a clear message and write nothing', () => {
    const out = join(root, 'never');
    const missing = difflm('data', 'prepare', '--corpus', join(root, 'missing.txt'), '--out', out, '--json');
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/no such file or directory: .*missing\.txt/);
    const unknown = difflm('data', 'prepare', '--corpus', corpus, '--tokenizer', 'wordpiece', '--out', out);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toMatch(/unknown tokenizer "wordpiece"/);
    const badField = difflm('data', 'prepare', '--corpus', corpus, '--out', out);
    expect(badField.status).not.toBe(0);
    expect(badField.stderr).toMatch(/tiny\.jsonl:1: field "text" is missing/);
    expect(existsSync(out)).toBe(false);
  });
});
