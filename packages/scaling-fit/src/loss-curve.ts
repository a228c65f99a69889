// Reading a run's loss at a compute budget from its logged curve (SPEC §5.3 item 1): a local linear fit in
// (ln tokens, ln loss) around the closest logged point [P], or the curve model L(S) = C + B·S^−b fitted to
// the curve (SPEC §5.2; the notebooks fit it by curve_fit with p0 = (0, 1, 1)). S is tokens seen here.
import { minimizeLbfgs } from './lbfgs.js';
import type { LossCurve } from './runs.js';

export type CurveReadMethod = 'interpolate' | 'curve-model';

/** Fitted curve model L(S) = C + B·S^−b. */
export interface CurveModel {
  C: number;
  B: number;
  b: number;
}

/** Fit L(S) = C + B·S^−b by least squares on the loss (C ≥ 0, B > 0, b > 0 via exp/softplus coordinates). */
export function fitCurveModel(curve: LossCurve): CurveModel {
  const n = curve.tokens.length;
  if (n < 4) throw new Error(`the curve model L(S) = C + B·S^-b needs at least 4 logged points, got ${n}`);
  const ls = curve.tokens.map(Math.log);
  const ms = ls.reduce((s, v) => s + v, 0) / n;
  const y = curve.loss;
  // θ = [ln C', ln B', ln b] with C = C', B·S^−b = B'·exp(−b(ln S − ms)) (centred for conditioning).
  const fg = (th: Float64Array, g: Float64Array): number => {
    const C = Math.exp(th[0]!), Bp = Math.exp(th[1]!), b = Math.exp(th[2]!);
    let f = 0, g0 = 0, g1 = 0, g2 = 0;
    for (let i = 0; i < n; i++) {
      const u = ls[i]! - ms;
      const t = Bp * Math.exp(-b * u);
      const r = C + t - y[i]!;
      f += 0.5 * r * r;
      g0 += r * C; g1 += r * t; g2 += r * t * (-b * u);
    }
    g[0] = g0; g[1] = g1; g[2] = g2;
    return f;
  };
  const minY = Math.min(...y);
  let best: { x: Float64Array; f: number } | undefined;
  for (const cFrac of [0.5, 0.9, 0.1]) {
    for (const b0 of [0.3, 1]) {
      const r = minimizeLbfgs(fg, [Math.log(cFrac * minY), Math.log(Math.max((1 - cFrac) * minY, 1e-6)), Math.log(b0)], { gradientTolerance: 1e-12, maxIterations: 1000 });
      if (Number.isFinite(r.f) && (!best || r.f < best.f)) best = { x: r.x, f: r.f };
    }
  }
  if (!best) throw new Error('the curve model fit diverged; check the curve for non-positive or extreme values');
  const C = Math.exp(best.x[0]!), Bp = Math.exp(best.x[1]!), b = Math.exp(best.x[2]!);
  return { C, B: Bp * Math.exp(b * ms), b };
}

/** Evaluate the curve model at S tokens. */
export function evalCurveModel(m: CurveModel, tokens: number): number {
  return m.C + m.B * Math.pow(tokens, -m.b);
}

/**
 * Loss after `tokens` tokens, read from the curve. Returns undefined when `tokens` lies outside the logged
 * range (the run never reached that budget; extrapolation is refused). `interpolate` fits a line in
 * (ln tokens, ln loss) through the closest logged point and its neighbours.
 */
export function lossAtTokens(curve: LossCurve, tokens: number, method: CurveReadMethod = 'interpolate', model?: CurveModel): number | undefined {
  const t = curve.tokens, l = curve.loss;
  const n = t.length;
  if (!(tokens > 0) || n === 0) return undefined;
  // Relative slack of 1e-9 on the range ends: budgets computed as M·D round-trip through floating point.
  if (tokens < t[0]! * (1 - 1e-9) || tokens > t[n - 1]! * (1 + 1e-9)) return undefined;
  if (method === 'curve-model') return evalCurveModel(model ?? fitCurveModel(curve), tokens);
  if (n === 1) return l[0];
  const lt = Math.log(tokens);
  let c = 0;
  for (let i = 1; i < n; i++) if (Math.abs(Math.log(t[i]!) - lt) < Math.abs(Math.log(t[c]!) - lt)) c = i;
  const lo = Math.max(0, c - 1), hi = Math.min(n - 1, c + 1);
  let sx = 0, sy = 0, sxx = 0, sxy = 0, k = 0;
  for (let i = lo; i <= hi; i++) {
    const x = Math.log(t[i]!), y = Math.log(l[i]!);
    sx += x; sy += y; sxx += x * x; sxy += x * y; k++;
  }
  const den = k * sxx - sx * sx;
  if (den === 0) return l[c];
  const slope = (k * sxy - sx * sy) / den;
  return Math.exp((sy - slope * sx) / k + slope * lt);
}
