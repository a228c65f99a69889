import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byteTokenizer } from './byte-tokenizer.js';
import { openShards, type ShardSet } from './open-shards.js';
import { prepareShards } from './prepare-shards.js';
import { seededPermutation } from './seeded-permutation.js';
import { sotuCorpus } from './sotu-corpus.js';

const root = mkdtempSync(join(tmpdir(), 'difflm-batches-'));
let set: ShardSet;
let train: Int32Array;

beforeAll(async () => {
  // Three addresses (~60 k bytes), small shards so that windows cross shard boundaries.
  await prepareShards({ corpus: sotuCorpus({ limit: 3 }), tokenizer: byteTokenizer(), outDir: join(root, 's'), validationFraction: 0.4, seed: 3, shardTokens: 4099 });
  set = openShards(join(root, 's'));
  train = set.readTokens('train', 0, set.metadata.splits.train.tokens);
});
afterAll(() => { set.close(); rmSync(root, { recursive: true, force: true }); });

const take = (src: { next(): Int32Array }, n: number) => Array.from({ length: n }, () => src.next());

/** Where a row starts in the stream, or −1 when it is not a contiguous slice of it. */
function findRow(stream: Int32Array, row: Int32Array): number {
  outer: for (let s = 0; s + row.length <= stream.length; s++) {
    for (let k = 0; k < row.length; k++) if (stream[s + k] !== row[k]) continue outer;
    return s;
  }
  return -1;
}

describe('batch source', () => {
  it('serves [B, N] int32 batches cut as contiguous windows from the train stream', () => {
    const src = set.createBatchSource({ batchSize: 4, seqLen: 64, seed: 1 });
    expect([src.batchSize, src.seqLen]).toEqual([4, 64]);
    const batch = src.next();
    expect(batch).toBeInstanceOf(Int32Array);
    expect(batch.length).toBe(4 * 64);
    for (let b = 0; b < 4; b++) expect(findRow(train, batch.subarray(b * 64, (b + 1) * 64))).toBeGreaterThanOrEqual(0);
  });

  it('is deterministic by seed', () => {
    const opts = { batchSize: 3, seqLen: 32 };
    const a = take(set.createBatchSource({ ...opts, seed: 5 }), 6);
    expect(take(set.createBatchSource({ ...opts, seed: 5 }), 6)).toEqual(a);
    expect(take(set.createBatchSource({ ...opts, seed: 6 }), 6)).not.toEqual(a);
  });

  it('resumes exactly from a JSON round trip of getPosition, across epoch boundaries', () => {
    const opts = { batchSize: 5, seqLen: 512, seed: 9 };
    const reference = set.createBatchSource(opts);
    const epochBatches = Math.ceil(reference.windowsPerEpoch / 5);
    const all = take(reference, epochBatches * 2 + 3); // more than two epochs
    for (const cut of [0, 1, epochBatches - 1, epochBatches + 2]) {
      const first = set.createBatchSource(opts);
      take(first, cut);
      const saved = JSON.parse(JSON.stringify(first.getPosition()));
      const resumed = set.createBatchSource(opts);
      resumed.setPosition(saved);
      expect(take(resumed, 4)).toEqual(all.slice(cut, cut + 4));
      // The position tells how many batches were read (a resumed trainer checks it against its step).
      expect(first.batchesAt(saved)).toBe(cut);
    }
    expect(reference.batchesAt({ ...reference.getPosition(), windows: 7 })).toBeNaN();
  });

  it('visits every window once per epoch', () => {
    const seqLen = 256;
    const src = set.createBatchSource({ batchSize: 1, seqLen, seed: 2 });
    const W = src.windowsPerEpoch;
    expect(W).toBe(Math.floor(train.length / seqLen));
    const starts = take(src, W).map((row) => findRow(train, row));
    const offset = Math.min(...starts);
    expect(offset).toBeLessThan(seqLen);
    expect(new Set(starts.map((s) => (s - offset) / seqLen))).toEqual(new Set(Array.from({ length: W }, (_, i) => i)));
  });

  it('gives the same validation batches every time, from the validation split', () => {
    const src = set.createBatchSource({ batchSize: 2, seqLen: 128, seed: 1 });
    const v1 = src.validationBatches(3);
    take(src, 5);
    expect(set.createBatchSource({ batchSize: 2, seqLen: 128, seed: 99 }).validationBatches(3)).toEqual(v1);
    const validation = set.readTokens('validation', 0, set.metadata.splits.validation.tokens);
    expect(Array.from(v1[0]!.subarray(0, 128))).toEqual(Array.from(validation.subarray(0, 128)));
    expect(Array.from(v1[1]!.subarray(128, 256))).toEqual(Array.from(validation.subarray(3 * 128, 4 * 128)));
  });

  it('rejects mismatched positions and impossible shapes', () => {
    const src = set.createBatchSource({ batchSize: 2, seqLen: 64, seed: 1 });
    expect(() => src.setPosition({ ...src.getPosition(), seqLen: 65 })).toThrow(/different seqLen/);
    expect(() => src.setPosition({ windows: 3 })).toThrow(/expected a position from getPosition/);
    expect(() => set.createBatchSource({ batchSize: 2, seqLen: 10_000_000 })).toThrow(/fewer than seqLen/);
    expect(() => set.createBatchSource({ batchSize: 0, seqLen: 8 })).toThrow(/batchSize must be a positive integer/);
  });

  it('seededPermutation is a permutation that depends on seed and epoch', () => {
    const p = seededPermutation(1000, 4, 0);
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(seededPermutation(1000, 4, 0)).toEqual(p);
    expect(seededPermutation(1000, 4, 1)).not.toEqual(p);
    expect(seededPermutation(1000, 5, 0)).not.toEqual(p);
  });
});
