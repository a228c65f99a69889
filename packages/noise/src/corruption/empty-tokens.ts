// Empty-token insertion (SPEC §1.5, DreamOn-style, [E] `_insert_empty_tokens`): per sequence a fraction
// f ~ U(0, f_max) of PAD tokens goes into random slots: k = ceil(N·f/(1−f)) pads among N + k slots, then
// the row is truncated back to N.
import type { Rng } from '../random.js';

/** Rewrite rows of x (int32 [B·N], row-major) in place. */
export function insertEmptyTokens(x: Int32Array, B: number, N: number, padId: number, maxFraction: number, rng: Rng): void {
  const row = new Int32Array(N);
  for (let b = 0; b < B; b++) {
    const f = rng.uniform() * maxFraction;
    const k = Math.ceil((N * f) / (1 - f));
    if (k === 0) continue;
    // Selection sampling (Knuth's Algorithm S): slot s of N + k is a pad with probability pads-left/slots-left.
    let padsLeft = k, src = 0;
    for (let s = 0, out = 0; out < N; s++) {
      const slotsLeft = N + k - s;
      if (padsLeft > 0 && rng.uniform() * slotsLeft < padsLeft) { row[out++] = padId; padsLeft--; } else row[out++] = x[b * N + src++]!;
    }
    x.set(row, b * N);
  }
}
