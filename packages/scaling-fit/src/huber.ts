// The Huber function and its derivative, shared by every robust fit in this package.

/** Huber loss ρ_δ(r): ½r² for |r| ≤ δ, δ(|r| − ½δ) beyond. */
export function huber(r: number, delta: number): number {
  const a = Math.abs(r);
  return a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
}

/** dρ_δ/dr = clamp(r, −δ, δ). */
export function huberDerivative(r: number, delta: number): number {
  return r > delta ? delta : r < -delta ? -delta : r;
}
