// How far one float array is from a reference, for the agreement tests between backends and between fused kernels
// and the composite graphs they replace.

/** Relative L2 error of `a` against the reference `b`: ‖a − b‖ / ‖b‖ (‖b‖ floored at 1e-15). */
export function relativeL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`relativeL2: lengths differ (${a.length} against ${b.length})`);
  let num = 0, den = 0;
  for (let i = 0; i < b.length; i++) { num += (a[i]! - b[i]!) ** 2; den += b[i]! ** 2; }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

/** The largest relativeL2 over pairs of arrays (e.g. every parameter's gradient). */
export function worstRelativeL2(a: readonly ArrayLike<number>[], b: readonly ArrayLike<number>[]): number {
  if (a.length !== b.length) throw new Error(`worstRelativeL2: ${a.length} arrays against ${b.length}`);
  return a.reduce((worst, x, k) => Math.max(worst, relativeL2(x, b[k]!)), 0);
}
