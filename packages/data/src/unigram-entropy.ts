// The unigram entropy of the training split: the loss of a model that predicts every token from the
// token frequencies alone. A trained model's held-out ELBO should fall well below it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UNIGRAM_FILE, readShardMetadata } from './shard-metadata.js';

/** Token counts and the bytes per token that convert nats per token into bits per byte. */
export interface UnigramStats {
  readonly counts: ArrayLike<number>;
  readonly bytesPerToken: number;
}

/** Entropy in both units. */
export interface UnigramEntropy {
  readonly natsPerToken: number;
  /** natsPerToken / ln 2 / bytesPerToken (SPEC §1.4). */
  readonly bitsPerByte: number;
}

/** The train split's token counts of a shard directory (length vocabSize). */
export function readUnigramCounts(dir: string): Float64Array {
  const path = join(dir, UNIGRAM_FILE);
  let counts: unknown;
  try {
    counts = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`shards: cannot read ${path} (${(e as Error).message}); re-run difflm data prepare`);
  }
  if (!Array.isArray(counts)) throw new Error(`shards: ${path} must be an array of counts`);
  return Float64Array.from(counts as number[]);
}

/** H = −Σ p log p over the unigram distribution of a shard directory's train split, or of given stats. */
export function unigramEntropy(source: string | UnigramStats): UnigramEntropy {
  const stats: UnigramStats = typeof source === 'string'
    ? { counts: readUnigramCounts(source), bytesPerToken: readShardMetadata(source).splits.train.bytesPerToken }
    : source;
  let total = 0;
  for (let i = 0; i < stats.counts.length; i++) total += stats.counts[i]!;
  if (!(total > 0)) throw new Error('unigramEntropy: the counts are all zero');
  let nats = 0;
  for (let i = 0; i < stats.counts.length; i++) {
    const c = stats.counts[i]!;
    if (c > 0) nats -= (c / total) * Math.log(c / total); // 0·log 0 = 0
  }
  return { natsPerToken: nats, bitsPerByte: stats.bytesPerToken > 0 ? nats / Math.LN2 / stats.bytesPerToken : NaN };
}
