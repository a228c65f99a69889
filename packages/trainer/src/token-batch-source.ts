// The trainer's structural view of a data stream. @difflm/data's batch source satisfies it; so does any
// object with this shape (an in-memory array in tests, a user's own loader).

export interface TokenBatchSource {
  /** Sequences per batch (a micro-batch when gradients are accumulated). */
  readonly batchSize: number;
  /** Tokens per sequence. */
  readonly seqLen: number;
  /** The next batch, row-major int token ids of length batchSize·seqLen ([B, N]). */
  next(): Int32Array;
  /** A JSON-serialisable position from which setPosition() replays the same stream. */
  getPosition(): unknown;
  setPosition(position: unknown): void;
  /**
   * How many batches next() had returned when this source's getPosition() gave `position` (optional). With it, a
   * restored training state whose data position disagrees with its step count is refused.
   */
  batchesAt?(position: unknown): number;
}
