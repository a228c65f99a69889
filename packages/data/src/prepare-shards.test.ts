import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { byteTokenizer } from './byte-tokenizer.js';
import { createTokenizer } from './create-tokenizer.js';
import { openCorpus } from './open-corpus.js';
import { openShards } from './open-shards.js';
import { prepareShards, type PrepareProgress } from './prepare-shards.js';
import { unigramEntropy } from './unigram-entropy.js';
import { createSplitReader } from './split-reader.js';
import { readShardMetadata } from './shard-metadata.js';
import type { Corpus } from './corpus.js';

const root = mkdtempSync(join(tmpdir(), 'difflm-data-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** 40 documents over a text file (paragraphs), a JSONL file and a nested text file. */
function makeCorpusDir(): { dir: string; docs: string[] } {
  const dir = join(root, `corpus-${Math.random().toString(36).slice(2)}`);
  mkdirSync(join(dir, 'nested'), { recursive: true });
  const docs: string[] = [];
  const para = Array.from({ length: 15 }, (_, i) => `Paragraph ${i}: the union is ${'strong '.repeat(i % 4)}héllo 世界 🎉\nline two of ${i}.`);
  writeFileSync(join(dir, 'a.txt'), para.join('\n\n\n') + '\n');
  docs.push(...para);
  const rows = Array.from({ length: 15 }, (_, i) => `json document ${i} — "quoted" ${'x'.repeat(i * 3)}`);
  writeFileSync(join(dir, 'b.jsonl'), rows.map((text, i) => JSON.stringify({ id: i, text })).join('\n\n') + '\n');
  docs.push(...rows);
  const nested = Array.from({ length: 10 }, (_, i) => `nested ${i} ${'abc'.repeat(i)}`);
  writeFileSync(join(dir, 'nested', 'c.txt'), nested.join('\n\n'));
  writeFileSync(join(dir, 'ignored.md'), 'not read');
  docs.push(...nested);
  return { dir, docs };
}

/** Split a stored token stream at EOS into documents. */
function splitAtEos(tokens: Int32Array, eos: number): number[][] {
  const docs: number[][] = [];
  let cur: number[] = [];
  for (const t of tokens) { if (t === eos) { docs.push(cur); cur = []; } else cur.push(t); }
  expect(cur).toEqual([]); // the stream ends with EOS
  return docs;
}

describe('split readers', () => {
  it('read the same windows from memory as by positioned reads, across shard boundaries, and refuse windows outside', async () => {
    const { dir } = makeCorpusDir();
    const out = join(root, 'shards-mem');
    const meta = await prepareShards({ corpus: openCorpus(dir), tokenizer: byteTokenizer(), outDir: out, validationFraction: 0.3, seed: 3, shardTokens: 97 });
    expect(readShardMetadata(out).splits.train.shards.length).toBeGreaterThan(3);
    const shards = meta.splits.train.shards;
    const held = createSplitReader(out, shards, meta.dtype);
    const positioned = createSplitReader(out, shards, meta.dtype, 0);
    const total = meta.splits.train.tokens;
    let x = 5;
    for (let k = 0; k < 200; k++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const len = 1 + (x % 300), start = (x >>> 9) % (total - len);
      const a = new Int32Array(len), b = new Int32Array(len);
      held.read(start, a);
      positioned.read(start, b);
      expect(Buffer.compare(Buffer.from(a.buffer), Buffer.from(b.buffer)), `window [${start}, ${start + len})`).toBe(0);
    }
    expect(() => held.read(total - 2, new Int32Array(3))).toThrow(/outside the split/);
    held.close();
    positioned.close();
  });
});

describe('prepareShards', () => {
  it('writes shards whose tokens are the tokenized documents with EOS separators, split disjointly by seed', async () => {
    const { dir, docs } = makeCorpusDir();
    const tok = byteTokenizer();
    const out = join(root, 'shards-a');
    const progress: PrepareProgress[] = [];
    const meta = await prepareShards({ corpus: openCorpus(dir), tokenizer: tok, outDir: out, validationFraction: 0.3, seed: 7, shardTokens: 97, onProgress: (p) => progress.push(p) });
    expect(meta.dtype).toBe('uint16');
    expect(meta.splits.train.shards.length).toBeGreaterThan(3);
    expect(progress.at(-1)).toMatchObject({ documents: 40 });
    expect(readdirSync(root).filter((f) => f.includes('.partial-'))).toEqual([]);

    const set = openShards(out);
    const read = (split: 'train' | 'validation') => splitAtEos(set.readTokens(split, 0, meta.splits[split].tokens), tok.special.eos).map((ids) => tok.decode(ids));
    const train = read('train'), validation = read('validation');
    set.close();
    expect(train.length).toBe(meta.splits.train.documents);
    expect(validation.length).toBeGreaterThan(3);
    expect(train.length + validation.length).toBe(40);
    // Disjoint and complete: merging the splits in corpus order gives back every document once.
    const trainSet = new Set(train), valSet = new Set(validation);
    expect(docs.filter((d) => trainSet.has(d))).toEqual(train);
    expect(docs.filter((d) => valSet.has(d))).toEqual(validation);
    expect(docs.every((d) => trainSet.has(d) !== valSet.has(d))).toBe(true);

    // The stored unigram entropy is that of the train tokens.
    const counts = new Float64Array(tok.vocabSize);
    for (const d of train) { for (const t of tok.encode(d)) counts[t]!++; counts[tok.special.eos]!++; }
    expect(unigramEntropy(out).natsPerToken).toBeCloseTo(unigramEntropy({ counts, bytesPerToken: 1 }).natsPerToken, 12);
    expect(meta.splits.train.bytesPerToken).toBeCloseTo(meta.splits.train.bytes / meta.splits.train.tokens, 12);

    // Same seed → byte-identical directory; another seed → another split.
    const again = await prepareShards({ corpus: openCorpus(dir), tokenizer: tok, outDir: join(root, 'shards-a2'), validationFraction: 0.3, seed: 7, shardTokens: 97 });
    expect(again).toEqual(meta);
    for (const f of readdirSync(out)) expect(readFileSync(join(root, 'shards-a2', f))).toEqual(readFileSync(join(out, f)));
    const other = await prepareShards({ corpus: openCorpus(dir), tokenizer: tok, outDir: join(root, 'shards-b'), validationFraction: 0.3, seed: 8, shardTokens: 97 });
    expect(other.splits.train.tokens).not.toBe(meta.splits.train.tokens);
  });

  it('stores uint32 when the vocabulary exceeds 65536 ids (cl100k)', async () => {
    const { dir } = makeCorpusDir();
    const tok = await createTokenizer('cl100k');
    const meta = await prepareShards({ corpus: openCorpus(dir), tokenizer: tok, outDir: join(root, 'shards-cl'), validationFraction: 0.2 });
    expect(meta.dtype).toBe('uint32');
    const set = openShards(join(root, 'shards-cl'));
    const ids = set.readTokens('train', 0, meta.splits.train.tokens);
    set.close();
    expect(Math.max(...ids)).toBe(tok.special.eos);
    expect(ids.filter((t) => t === tok.special.eos).length).toBe(meta.splits.train.documents);
  });
});

describe('bad inputs leave no output directory', () => {
  const expectNoOutput = (out: string) => {
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(root).filter((f) => f.includes('.partial-'))).toEqual([]);
  };

  it('a missing corpus path', () => {
    expect(() => openCorpus(join(root, 'no-such-corpus.txt'))).toThrow(/no such file or directory: .*no-such-corpus\.txt/);
    expect(() => openCorpus(join(root, 'no-such-dir'))).toThrow(/no such file or directory/);
  });

  it('an empty corpus', async () => {
    const file = join(root, 'empty.txt');
    writeFileSync(file, '\n\n   \n\n');
    const out = join(root, 'out-empty');
    await expect(prepareShards({ corpus: openCorpus(file), tokenizer: byteTokenizer(), outDir: out })).rejects.toThrow(/empty\.txt is empty/);
    expectNoOutput(out);
    const emptyDir = join(root, 'empty-dir');
    mkdirSync(emptyDir);
    expect(() => openCorpus(emptyDir)).toThrow(/holds no \.txt or \.jsonl files/);
  });

  it('a malformed JSONL line names the file and the line', async () => {
    const file = join(root, 'bad.jsonl');
    writeFileSync(file, '{"text": "fine"}\n\n{"text": oops}\n{"text": "never read"}\n');
    const out = join(root, 'out-bad-jsonl');
    await expect(prepareShards({ corpus: openCorpus(file), tokenizer: byteTokenizer(), outDir: out })).rejects.toThrow(/bad\.jsonl:3: invalid JSON/);
    expectNoOutput(out);
    const noField = join(root, 'nofield.jsonl');
    writeFileSync(noField, '{"body": "x"}\n');
    await expect(prepareShards({ corpus: openCorpus(noField), tokenizer: byteTokenizer(), outDir: out })).rejects.toThrow(/nofield\.jsonl:1: field "text" is missing.*--field/);
    expectNoOutput(out);
  });

  it('an unknown tokenizer fails before anything is written', async () => {
    await expect(createTokenizer('wordpiece')).rejects.toThrow(/unknown tokenizer "wordpiece"/);
  });

  it('a non-empty output directory is refused, and a failed overwrite keeps the previous one', async () => {
    const { dir } = makeCorpusDir();
    const out = join(root, 'out-existing');
    const first = await prepareShards({ corpus: openCorpus(dir), tokenizer: byteTokenizer(), outDir: out, validationFraction: 0.2 });
    await expect(prepareShards({ corpus: openCorpus(dir), tokenizer: byteTokenizer(), outDir: out })).rejects.toThrow(/already exists and is not empty.*--force/);
    const failing: Corpus = {
      name: 'failing',
      sizeBytes: async () => undefined,
      async *documents() { yield { text: 'one', source: 'x' }; throw new Error('disk went away'); },
    };
    await expect(prepareShards({ corpus: failing, tokenizer: byteTokenizer(), outDir: out, overwrite: true })).rejects.toThrow(/disk went away/);
    expect(openShards(out).metadata).toEqual(first);
    expect(readdirSync(root).filter((f) => f.includes('.partial-') || f.includes('.old-'))).toEqual([]);
  });
});
