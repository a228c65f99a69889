// Training points for the parametric loss L(N, D), validated once and stored as logs in Float64Arrays.

/** One training run seen by the parametric fits: size N (parameters or FLOPs/token), tokens D, final loss. */
export interface ParametricPoint {
  n: number;
  d: number;
  loss: number;
}

/** Columns of logs used by the objectives (ln N, ln D, ln L). */
export interface ParametricData {
  logN: Float64Array;
  logD: Float64Array;
  logL: Float64Array;
}

/** Validate points (finite and positive N, D, loss) and take logs. Throws naming the first bad row. */
export function toParametricData(points: readonly ParametricPoint[]): ParametricData {
  if (points.length < 6) throw new Error(`points: the parametric fit has 5 parameters and needs at least 6 runs, got ${points.length}`);
  const k = points.length;
  const logN = new Float64Array(k), logD = new Float64Array(k), logL = new Float64Array(k);
  points.forEach((p, i) => {
    for (const [field, v] of [['n', p.n], ['d', p.d], ['loss', p.loss]] as const) {
      if (!(Number.isFinite(v) && v > 0)) throw new Error(`points[${i}].${field} must be a finite positive number, got ${v}; drop or fix that run`);
    }
    logN[i] = Math.log(p.n);
    logD[i] = Math.log(p.d);
    logL[i] = Math.log(p.loss);
  });
  return { logN, logD, logL };
}

/** The rows of `data` at `indices` (bootstrap resamples). */
export function subsetParametricData(data: ParametricData, indices: ArrayLike<number>): ParametricData {
  const k = indices.length;
  const out = { logN: new Float64Array(k), logD: new Float64Array(k), logL: new Float64Array(k) };
  for (let i = 0; i < k; i++) {
    const j = indices[i]!;
    out.logN[i] = data.logN[j]!;
    out.logD[i] = data.logD[j]!;
    out.logL[i] = data.logL[j]!;
  }
  return out;
}
