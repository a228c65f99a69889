// Random access into one split's token stream (the concatenation of its shards) by positioned fs reads:
// a window costs one or two reads; the corpus is never loaded whole.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { DTYPE_BYTES, type ShardDtype, type ShardFile } from './shard-metadata.js';

export interface SplitReader {
  /** Tokens in the split. */
  readonly tokens: number;
  /** Copy tokens [start, start + out.length) into out. */
  read(start: number, out: Int32Array): void;
  close(): void;
}

export function createSplitReader(dir: string, shards: readonly ShardFile[], dtype: ShardDtype): SplitReader {
  const width = DTYPE_BYTES[dtype];
  const starts: number[] = [];
  let total = 0;
  for (const s of shards) { starts.push(total); total += s.tokens; }
  const fds: (number | undefined)[] = shards.map(() => undefined);
  const fdOf = (i: number): number => {
    let fd = fds[i];
    if (fd === undefined) {
      const path = join(dir, shards[i]!.file);
      try {
        fd = openSync(path, 'r');
      } catch {
        throw new Error(`shards: ${path} is missing; re-run difflm data prepare`);
      }
      const size = fstatSync(fd).size;
      if (size !== shards[i]!.tokens * width) {
        closeSync(fd);
        throw new Error(`shards: ${path} has ${size} bytes, metadata says ${shards[i]!.tokens * width}; the directory is corrupt, re-run difflm data prepare`);
      }
      fds[i] = fd;
    }
    return fd;
  };
  let scratch = Buffer.alloc(0);
  return {
    tokens: total,
    read(start, out) {
      if (start < 0 || start + out.length > total) throw new Error(`shards: read [${start}, ${start + out.length}) is outside the split's ${total} tokens`);
      // first shard holding `start`: binary search over shard starts
      let lo = 0, hi = starts.length - 1;
      while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (starts[mid]! <= start) lo = mid; else hi = mid - 1; }
      let done = 0;
      for (let i = lo; done < out.length; i++) {
        const from = start + done - starts[i]!;
        const n = Math.min(out.length - done, shards[i]!.tokens - from);
        if (scratch.length < n * width) scratch = Buffer.alloc(n * width);
        const got = readSync(fdOf(i), scratch, 0, n * width, from * width);
        if (got !== n * width) throw new Error(`shards: short read in ${shards[i]!.file}; the directory is corrupt, re-run difflm data prepare`);
        if (width === 2) for (let k = 0; k < n; k++) out[done + k] = scratch.readUInt16LE(k * 2);
        else for (let k = 0; k < n; k++) out[done + k] = scratch.readUInt32LE(k * 4);
        done += n;
      }
    },
    close() {
      for (let i = 0; i < fds.length; i++) { if (fds[i] !== undefined) closeSync(fds[i]!); fds[i] = undefined; }
    },
  };
}
