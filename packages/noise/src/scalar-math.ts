// Float64 scalar helpers shared by the host-side (per-token) math. Written to stay finite for |x| up to
// the ±1000 shifts of the hybrid presets (SPEC §1.3), where a naive 1/(1+e^{-x}) is still exact but
// log-space forms need care.

/** σ(x) = 1/(1+e^{−x}); exact 0/1 saturation for |x| > ~745 (the b = ±1000 presets rely on it, SPEC §1.3). */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** σ'(x) = σ(x)·σ(−x), computed without the cancellation of σ(1−σ) (SPEC fixtures README D4). */
export function sigmoidPrime(x: number): number {
  return sigmoid(x) * sigmoid(-x);
}

/** logit(p) = log(p/(1−p)). */
export function logit(p: number): number {
  return Math.log(p) - Math.log1p(-p);
}

/** Clamp x into [lo, hi]. */
export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
