// Packs one split's token stream into fixed-size little-endian shard files.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { faultPoint } from './fault-injection.js';
import { DTYPE_BYTES, type ShardDtype, type ShardFile, type SplitName } from './shard-metadata.js';

/** Appends tokens; writes a shard each time `shardTokens` have accumulated. */
export interface SplitWriter {
  push(tokens: ArrayLike<number>): void;
  /** Write the last partial shard and return the shard list. */
  finish(): ShardFile[];
}

export interface SplitWriterOptions {
  readonly dir: string;
  readonly split: SplitName;
  readonly dtype: ShardDtype;
  readonly shardTokens: number;
}

export function createSplitWriter(options: SplitWriterOptions): SplitWriter {
  const { dir, split, dtype, shardTokens } = options;
  const width = DTYPE_BYTES[dtype];
  const buffer = Buffer.alloc(shardTokens * width);
  const put = width === 2 ? (v: number, i: number) => buffer.writeUInt16LE(v, i * 2) : (v: number, i: number) => buffer.writeUInt32LE(v, i * 4);
  const shards: ShardFile[] = [];
  let filled = 0;
  const flush = (): void => {
    if (filled === 0) return;
    const file = `${split}-${String(shards.length).padStart(5, '0')}.bin`;
    writeFileSync(join(dir, file), buffer.subarray(0, filled * width));
    faultPoint('shard', file);
    shards.push({ file, tokens: filled });
    filled = 0;
  };
  return {
    push(tokens) {
      for (let i = 0; i < tokens.length; i++) {
        put(tokens[i]!, filled++);
        if (filled === shardTokens) flush();
      }
    },
    finish() {
      flush();
      return shards;
    },
  };
}
