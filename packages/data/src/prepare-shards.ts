// Tokenize a corpus into packed binary shards with a seeded train/validation split by document.
// Documents stream through one at a time; EOS follows every document; the directory appears
// atomically when complete (see atomic-directory.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeDirectoryAtomically } from './atomic-directory.js';
import type { Corpus } from './corpus.js';
import { HASH_STREAM, hashUniform } from './seeded-hash.js';
import { createSplitWriter, type SplitWriter } from './shard-writer.js';
import {
  METADATA_FILE, SHARD_FORMAT, SHARD_FORMAT_VERSION, UNIGRAM_FILE,
  type ShardDtype, type ShardMetadata, type SplitName, type SplitStats,
} from './shard-metadata.js';
import type { Tokenizer } from './tokenizer.js';
import { unigramEntropy } from './unigram-entropy.js';

/** Progress of prepareShards, plain numbers. */
export interface PrepareProgress {
  readonly documents: number;
  /** UTF-8 bytes of the documents read so far. */
  readonly bytes: number;
  readonly tokens: number;
  /** Size of the corpus files when known (JSONL: larger than the text bytes). */
  readonly totalBytes: number | undefined;
}

/** Options of {@link prepareShards}. */
export interface PrepareShardsOptions {
  readonly corpus: Corpus;
  readonly tokenizer: Tokenizer;
  readonly outDir: string;
  /** Fraction of documents held out, in [0, 1). Default 0.05. */
  readonly validationFraction?: number;
  /** Seed of the split. Default 0. */
  readonly seed?: number;
  /** Tokens per shard file. Default 2^24. */
  readonly shardTokens?: number;
  /** Default 'auto': uint16 when vocabSize ≤ 65536, else uint32. */
  readonly dtype?: ShardDtype | 'auto';
  /** Replace a non-empty outDir. Default false. */
  readonly overwrite?: boolean;
  readonly onProgress?: (progress: PrepareProgress) => void;
}

const PROGRESS_EVERY_BYTES = 1 << 20;
const utf8 = new TextEncoder();

function resolveDtype(dtype: ShardDtype | 'auto', vocabSize: number): ShardDtype {
  const fits16 = vocabSize <= 65536;
  if (dtype === 'auto') return fits16 ? 'uint16' : 'uint32';
  if (dtype === 'uint16' && !fits16) throw new Error(`dtype: uint16 cannot hold ids of a vocabulary of ${vocabSize}; use uint32 or auto`);
  if (dtype !== 'uint16' && dtype !== 'uint32') throw new Error(`dtype: expected auto, uint16 or uint32, got ${String(dtype)}`);
  return dtype;
}

interface PendingDocument { tokens: number[]; bytes: number; split: SplitName }

/** Write the shard directory; resolves to its metadata. */
export async function prepareShards(options: PrepareShardsOptions): Promise<ShardMetadata> {
  const { corpus, tokenizer, outDir, onProgress } = options;
  const validationFraction = options.validationFraction ?? 0.05;
  const seed = options.seed ?? 0;
  const shardTokens = options.shardTokens ?? 1 << 24;
  if (!(validationFraction >= 0 && validationFraction < 1)) throw new Error(`validationFraction must be in [0, 1), got ${validationFraction}`);
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  if (!Number.isInteger(shardTokens) || shardTokens < 1) throw new Error(`shardTokens must be a positive integer, got ${shardTokens}`);
  const dtype = resolveDtype(options.dtype ?? 'auto', tokenizer.vocabSize);
  const totalBytes = await corpus.sizeBytes();
  const eos = tokenizer.special.eos;

  return writeDirectoryAtomically(outDir, { overwrite: options.overwrite }, async (dir) => {
    const writers: Record<SplitName, SplitWriter> = {
      train: createSplitWriter({ dir, split: 'train', dtype, shardTokens }),
      validation: createSplitWriter({ dir, split: 'validation', dtype, shardTokens }),
    };
    const counts = { train: { documents: 0, tokens: 0, bytes: 0 }, validation: { documents: 0, tokens: 0, bytes: 0 } };
    const unigram = new Float64Array(tokenizer.vocabSize);
    let documents = 0, bytes = 0, tokens = 0, reported = 0;
    const commit = (doc: PendingDocument): void => {
      writers[doc.split].push(doc.tokens);
      const c = counts[doc.split];
      c.documents++; c.tokens += doc.tokens.length; c.bytes += doc.bytes;
      if (doc.split === 'train') for (const t of doc.tokens) unigram[t]!++;
    };
    // One document of look-ahead: at the end the last document can move so that neither split is empty.
    let pending: PendingDocument | undefined;
    for await (const doc of corpus.documents()) {
      if (pending) commit(pending);
      const ids = tokenizer.encode(doc.text);
      ids.push(eos);
      const docBytes = utf8.encode(doc.text).length;
      const split: SplitName = hashUniform(seed, HASH_STREAM.split, documents) < validationFraction ? 'validation' : 'train';
      pending = { tokens: ids, bytes: docBytes, split };
      documents++; bytes += docBytes; tokens += ids.length;
      if (onProgress && bytes - reported >= PROGRESS_EVERY_BYTES) { reported = bytes; onProgress({ documents, bytes, tokens, totalBytes }); }
    }
    if (!pending) throw new Error(`corpus ${corpus.name} is empty: it has no non-empty documents`);
    if (validationFraction > 0 && counts.validation.documents === 0 && counts.train.documents > 0) pending.split = 'validation';
    if (counts.train.documents === 0 && counts.validation.documents > 0) pending.split = 'train';
    commit(pending);
    if (validationFraction > 0 && (counts.train.documents === 0 || counts.validation.documents === 0)) {
      throw new Error(`corpus ${corpus.name} has only ${documents} document(s); a train/validation split needs at least 2 (or validationFraction 0)`);
    }
    onProgress?.({ documents, bytes, tokens, totalBytes });

    const splitStats = (split: SplitName): SplitStats => {
      const c = counts[split];
      return { ...c, bytesPerToken: c.tokens > 0 ? c.bytes / c.tokens : 0, shards: writers[split].finish() };
    };
    const splits = { train: splitStats('train'), validation: splitStats('validation') };
    const meta: ShardMetadata = {
      format: SHARD_FORMAT,
      version: SHARD_FORMAT_VERSION,
      dtype,
      byteOrder: 'little',
      tokenizer: tokenizer.toSpec(),
      vocabSize: tokenizer.vocabSize,
      special: tokenizer.special,
      corpus: corpus.name,
      seed,
      validationFraction,
      shardTokens,
      unigramEntropy: unigramEntropy({ counts: unigram, bytesPerToken: splits.train.bytesPerToken }),
      splits,
    };
    writeFileSync(join(dir, UNIGRAM_FILE), JSON.stringify(Array.from(unigram)));
    writeFileSync(join(dir, METADATA_FILE), JSON.stringify(meta, null, 2));
    return meta;
  });
}
