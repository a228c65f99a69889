// Open a prepared shard directory: its metadata, tokenizer, unigram entropy and batch sources.
import { resolve } from 'node:path';
import { createBatchSourceFromReaders, type BatchSourceOptions, type TokenBatchSource } from './batch-source.js';
import { loadTokenizer } from './load-tokenizer.js';
import { readShardMetadata, type ShardMetadata, type SplitName } from './shard-metadata.js';
import { createSplitReader, type SplitReader } from './split-reader.js';
import type { Tokenizer } from './tokenizer.js';

/** An opened shard directory. Call close() to release file handles. */
export interface ShardSet {
  readonly dir: string;
  readonly metadata: ShardMetadata;
  tokenizer(): Promise<Tokenizer>;
  createBatchSource(options: BatchSourceOptions): TokenBatchSource;
  /** Tokens [start, start + count) of a split, as stored (EOS between documents). */
  readTokens(split: SplitName, start: number, count: number): Int32Array;
  close(): void;
}

/** Open a directory written by prepareShards. Reads only metadata until batches are requested. */
export function openShards(dir: string): ShardSet {
  const abs = resolve(dir);
  const metadata = readShardMetadata(abs);
  const readers: Record<SplitName, SplitReader> = {
    train: createSplitReader(abs, metadata.splits.train.shards, metadata.dtype),
    validation: createSplitReader(abs, metadata.splits.validation.shards, metadata.dtype),
  };
  return {
    dir: abs,
    metadata,
    tokenizer: () => loadTokenizer(metadata.tokenizer),
    createBatchSource: (options) => createBatchSourceFromReaders(readers, options),
    readTokens(split, start, count) {
      const out = new Int32Array(count);
      readers[split].read(start, out);
      return out;
    },
    close() {
      readers.train.close();
      readers.validation.close();
    },
  };
}
