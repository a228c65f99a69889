// Training batches streamed from a shard directory. A split's token stream is cut into W windows of
// seqLen tokens (packed sequences: documents run across windows, EOS between them). Epoch e starts the
// cut at a seeded offset in [0, slack] (slack = T − W·seqLen) and visits the windows in a seeded
// permutation, so the position is one counter — windows consumed — and resume is exact.
import { HASH_STREAM, hash32 } from './seeded-hash.js';
import { seededPermutation } from './seeded-permutation.js';
import type { SplitName } from './shard-metadata.js';
import type { SplitReader } from './split-reader.js';

/** Options of createBatchSource. */
export interface BatchSourceOptions {
  /** Default 'train'. */
  readonly split?: SplitName;
  readonly batchSize: number;
  readonly seqLen: number;
  /** Seed of the window order and offsets. Default 0. */
  readonly seed?: number;
  /** Visit windows in a seeded permutation (default true); false reads them in stream order. */
  readonly shuffle?: boolean;
}

/** getPosition()'s JSON value. */
export interface BatchPosition {
  readonly kind: 'difflm/batch-position';
  readonly split: SplitName;
  readonly seqLen: number;
  readonly seed: number;
  readonly shuffle: boolean;
  /** Windows handed out so far (over all epochs). */
  readonly windows: number;
}

/** A resumable stream of [B, N] token batches (satisfies @difflm/trainer's TokenBatchSource). */
export interface TokenBatchSource {
  readonly batchSize: number;
  readonly seqLen: number;
  /** Windows per epoch. */
  readonly windowsPerEpoch: number;
  /** B·N token ids, row-major [B, N]. */
  next(): Int32Array;
  getPosition(): BatchPosition;
  /** After setPosition(p), next() returns what the source that produced p would have returned. */
  setPosition(position: unknown): void;
  /** Batches next() had returned at a position of this source (windows / batchSize; NaN when not a whole number). */
  batchesAt(position: unknown): number;
  /** `count` fixed batches of the validation split: its first windows in stream order (cycling when fewer). */
  validationBatches(count: number): Int32Array[];
}

function windowCount(reader: SplitReader, split: SplitName, seqLen: number): number {
  const w = Math.floor(reader.tokens / seqLen);
  if (w < 1) throw new Error(`batch source: the ${split} split has ${reader.tokens} tokens, fewer than seqLen = ${seqLen}; lower seqLen or prepare more data`);
  return w;
}

export function createBatchSourceFromReaders(readers: Readonly<Record<SplitName, SplitReader>>, options: BatchSourceOptions): TokenBatchSource {
  const { batchSize, seqLen } = options;
  const split = options.split ?? 'train';
  const seed = options.seed ?? 0;
  const shuffle = options.shuffle ?? true;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(seqLen) || seqLen < 1) throw new Error(`seqLen must be a positive integer, got ${seqLen}`);
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  const reader = readers[split];
  if (!reader) throw new Error(`split must be "train" or "validation", got ${String(split)}`);
  const W = windowCount(reader, split, seqLen);
  const slack = reader.tokens - W * seqLen;
  let windows = 0;
  let epochCached = -1;
  let perm: Uint32Array = new Uint32Array(0);
  let offset = 0;

  const windowStart = (g: number): number => {
    const epoch = Math.floor(g / W);
    if (epoch !== epochCached) {
      epochCached = epoch;
      perm = shuffle ? seededPermutation(W, seed, epoch) : new Uint32Array(0);
      offset = shuffle ? hash32(seed, HASH_STREAM.offset, epoch) % (slack + 1) : 0;
    }
    const k = g - epoch * W;
    return offset + (shuffle ? perm[k]! : k) * seqLen;
  };

  return {
    batchSize,
    seqLen,
    windowsPerEpoch: W,
    next() {
      const out = new Int32Array(batchSize * seqLen); // [B, N]
      for (let b = 0; b < batchSize; b++) reader.read(windowStart(windows++), out.subarray(b * seqLen, (b + 1) * seqLen));
      return out;
    },
    getPosition: () => ({ kind: 'difflm/batch-position', split, seqLen, seed, shuffle, windows }),
    setPosition(position) {
      const p = position as Partial<BatchPosition> | null;
      if (p?.kind !== 'difflm/batch-position' || !Number.isInteger(p.windows) || p.windows! < 0) {
        throw new Error('setPosition: expected a position from getPosition() ({kind: "difflm/batch-position", windows, ...})');
      }
      const mismatch = (['split', 'seqLen', 'seed', 'shuffle'] as const).filter((k) => p[k] !== { split, seqLen, seed, shuffle }[k]);
      if (mismatch.length > 0) {
        throw new Error(`setPosition: the position was saved by a source with a different ${mismatch.join(', ')} (saved ${mismatch.map((k) => `${k}=${String(p[k])}`).join(', ')}); open the source with the same options`);
      }
      windows = p.windows!;
    },
    batchesAt(position) {
      const w = (position as Partial<BatchPosition> | null)?.windows;
      return typeof w === 'number' && Number.isInteger(w) && w % batchSize === 0 ? w / batchSize : Number.NaN;
    },
    validationBatches(count) {
      if (!Number.isInteger(count) || count < 1) throw new Error(`validationBatches: count must be a positive integer, got ${count}`);
      const val = readers.validation;
      const Wv = windowCount(val, 'validation', seqLen);
      const batches: Int32Array[] = [];
      for (let i = 0; i < count; i++) {
        const out = new Int32Array(batchSize * seqLen); // [B, N]
        for (let b = 0; b < batchSize; b++) val.read(((i * batchSize + b) % Wv) * seqLen, out.subarray(b * seqLen, (b + 1) * seqLen));
        batches.push(out);
      }
      return batches;
    },
  };
}
