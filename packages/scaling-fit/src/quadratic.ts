// Least-squares quadratic y = c2·x² + c1·x + c0 with its vertex: the IsoFLOP "sq. fit" parabola in
// (ln x, ln L) (SPEC §5.3 item 3) and the batch-size and LR vertices (SPEC §5.1).

export interface QuadraticFit {
  c0: number;
  c1: number;
  c2: number;
  /** Vertex abscissa −c1/(2c2) (a minimum only when c2 > 0). */
  vertexX: number;
  vertexY: number;
}

/** Fit a quadratic by least squares (x centred for conditioning). Needs ≥ 3 distinct x values. */
export function fitQuadratic(x: readonly number[], y: readonly number[]): QuadraticFit {
  const n = x.length;
  if (n !== y.length) throw new Error(`x and y must have the same length, got ${n} and ${y.length}`);
  if (new Set(x).size < 3) throw new Error(`a quadratic needs at least 3 distinct x values, got ${new Set(x).size}`);
  const m = x.reduce((s, v) => s + v, 0) / n;
  // Normal equations in u = x − m: [Σ1 Σu Σu²; Σu Σu² Σu³; Σu² Σu³ Σu⁴]·[b0 b1 b2] = [Σy Σuy Σu²y].
  let s1 = 0, s2 = 0, s3 = 0, s4 = 0, t0 = 0, t1 = 0, t2 = 0;
  for (let i = 0; i < n; i++) {
    const u = x[i]! - m, u2 = u * u, yi = y[i]!;
    s1 += u; s2 += u2; s3 += u2 * u; s4 += u2 * u2;
    t0 += yi; t1 += u * yi; t2 += u2 * yi;
  }
  const [b0, b1, b2] = solve3([[n, s1, s2], [s1, s2, s3], [s2, s3, s4]], [t0, t1, t2]);
  // Back to x: y = b2(x − m)² + b1(x − m) + b0.
  const c2 = b2, c1 = b1 - 2 * b2 * m, c0 = b0 - b1 * m + b2 * m * m;
  const vertexX = -c1 / (2 * c2);
  return { c0, c1, c2, vertexX, vertexY: c0 + c1 * vertexX + c2 * vertexX * vertexX };
}

/** Evaluate the quadratic at x. */
export function evalQuadratic(q: Pick<QuadraticFit, 'c0' | 'c1' | 'c2'>, x: number): number {
  return q.c0 + x * (q.c1 + x * q.c2);
}

function solve3(a: number[][], b: number[]): [number, number, number] {
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < 3; c++) {
    let p = c;
    for (let r = c + 1; r < 3; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const piv = m[c]![c]!;
    if (piv === 0) throw new Error('the quadratic fit is singular (x values are degenerate)');
    for (let r = 0; r < 3; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / piv;
      for (let k = c; k < 4; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return [m[0]![3]! / m[0]![0]!, m[1]![3]! / m[1]![1]!, m[2]![3]! / m[2]![2]!];
}
