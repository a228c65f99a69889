// The on-disk format of a prepared shard directory (documented in README.md):
//   metadata.json            this ShardMetadata
//   unigram-train.json       token counts of the train split, an array of vocabSize integers
//   train-00000.bin, ...     packed token ids, little-endian uint16 or uint32, EOS after every document
//   validation-00000.bin, ...
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SpecialTokenIds, TokenizerSpec } from './tokenizer.js';

export const SHARD_FORMAT = 'difflm-token-shards';
export const SHARD_FORMAT_VERSION = 1;
export const METADATA_FILE = 'metadata.json';
export const UNIGRAM_FILE = 'unigram-train.json';

/** Token storage type; `auto` picks uint16 when every id fits (vocabSize ≤ 65536). */
export type ShardDtype = 'uint16' | 'uint32';

/** Bytes per stored token. */
export const DTYPE_BYTES: Readonly<Record<ShardDtype, number>> = { uint16: 2, uint32: 4 };

export type SplitName = 'train' | 'validation';
export const SPLITS: readonly SplitName[] = ['train', 'validation'];

/** One shard file of a split. */
export interface ShardFile {
  readonly file: string;
  readonly tokens: number;
}

/** Counts of one split. */
export interface SplitStats {
  readonly documents: number;
  /** Tokens including one EOS per document. */
  readonly tokens: number;
  /** UTF-8 bytes of the document texts (separators add none). */
  readonly bytes: number;
  /** bytes / tokens: turns nats per token into bits per byte (bpb = nats / ln 2 / bytesPerToken, SPEC §1.4). */
  readonly bytesPerToken: number;
  readonly shards: readonly ShardFile[];
}

/** metadata.json. */
export interface ShardMetadata {
  readonly format: typeof SHARD_FORMAT;
  readonly version: typeof SHARD_FORMAT_VERSION;
  readonly dtype: ShardDtype;
  readonly byteOrder: 'little';
  readonly tokenizer: TokenizerSpec;
  readonly vocabSize: number;
  readonly special: SpecialTokenIds;
  /** `sotu` or the absolute corpus path. */
  readonly corpus: string;
  readonly seed: number;
  readonly validationFraction: number;
  readonly shardTokens: number;
  /** The train split's unigram entropy (what a model that ignores context achieves). */
  readonly unigramEntropy: { readonly natsPerToken: number; readonly bitsPerByte: number };
  readonly splits: Readonly<Record<SplitName, SplitStats>>;
}

/** Read and check metadata.json; errors name the directory and the fix. */
export function readShardMetadata(dir: string): ShardMetadata {
  const path = join(dir, METADATA_FILE);
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`shards: ${path} not found; prepare the directory with \`difflm data prepare --out ${dir}\``);
  }
  let meta: ShardMetadata;
  try {
    meta = JSON.parse(raw) as ShardMetadata;
  } catch (e) {
    throw new Error(`shards: ${path} is not valid JSON (${(e as Error).message}); re-run difflm data prepare`);
  }
  if (meta?.format !== SHARD_FORMAT || meta.version !== SHARD_FORMAT_VERSION) {
    throw new Error(`shards: ${path} is not a ${SHARD_FORMAT} v${SHARD_FORMAT_VERSION} metadata file`);
  }
  if (!(meta.dtype in DTYPE_BYTES)) throw new Error(`shards: ${path}: dtype must be uint16 or uint32, got ${String(meta.dtype)}`);
  for (const split of SPLITS) {
    if (!meta.splits?.[split] || !Array.isArray(meta.splits[split].shards)) throw new Error(`shards: ${path}: splits.${split} is missing`);
  }
  return meta;
}
