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
  return multiStart(fg, Math.min(...y), ms);
}

/**
 * Fit L(S) = C + B·S^−b to a curve that is the exponential moving average (factor γ, per step) of the per-step
 * loss, as a study logs it: the model's own EMA, started from the first logged value and advanced step by step,
 * is matched to the logged points. Fitting the EMA as if it were the loss reads it γ/(1−γ) steps late (24 at the
 * paper's 0.96), which is noise at the paper's 10⁴–10⁵ steps but biases a read at a few hundred steps by a
 * percent or more. `steps` gives each logged point's step (increasing integers); S = tokens, with a constant number
 * of tokens per step. Its cost grows with the steps spanned (one EMA update per step per evaluation).
 */
export function fitCurveModelThroughEma(curve: LossCurve & { readonly steps: readonly number[] }, options: { readonly gamma: number }): CurveModel {
  const { gamma } = options;
  if (!(gamma >= 0 && gamma < 1)) throw new Error(`the EMA factor gamma must be in [0, 1), got ${gamma}`);
  const n = curve.tokens.length;
  if (n < 4) throw new Error(`the curve model L(S) = C + B·S^-b needs at least 4 logged points, got ${n}`);
  if (curve.steps.length !== n || curve.loss.length !== n) throw new Error('the curve needs one step, token count and loss per logged point');
  for (let i = 0; i < n; i++) if (!Number.isInteger(curve.steps[i])) throw new Error(`the curve's steps must be integers, got ${curve.steps[i]}`);
  for (let i = 1; i < n; i++) if (!(curve.steps[i]! > curve.steps[i - 1]!)) throw new Error('the curve\'s steps must increase');
  const s0 = curve.steps[0]!, sN = curve.steps[n - 1]!;
  // Tokens per step from the logged points (constant batch); every step between them is modelled.
  const tokensPerStep = (curve.tokens[n - 1]! - curve.tokens[0]!) / (sN - s0);
  const lnS = new Float64Array(sN - s0);
  const logged = new Int32Array(sN - s0).fill(-1);
  for (let k = s0 + 1; k <= sN; k++) lnS[k - s0 - 1] = Math.log(curve.tokens[0]! + (k - s0) * tokensPerStep);
  for (let i = 1; i < n; i++) logged[curve.steps[i]! - s0 - 1] = i;
  const ms = curve.tokens.map(Math.log).reduce((s, v) => s + v, 0) / n;
  const y = curve.loss;
  const fg = (th: Float64Array, g: Float64Array): number => {
    const C = Math.exp(th[0]!), Bp = Math.exp(th[1]!), b = Math.exp(th[2]!);
    // The model's EMA and its derivatives in θ, advanced one step at a time from the first logged value.
    let e = y[0]!, e0 = 0, e1 = 0, e2 = 0;
    let f = 0, g0 = 0, g1 = 0, g2 = 0;
    const w = 1 - gamma;
    for (let j = 0; j < lnS.length; j++) {
      const u = lnS[j]! - ms;
      const t = Bp * Math.exp(-b * u);
      e = gamma * e + w * (C + t);
      e0 = gamma * e0 + w * C; e1 = gamma * e1 + w * t; e2 = gamma * e2 + w * t * (-b * u);
      const i = logged[j]!;
      if (i >= 0) {
        const r = e - y[i]!;
        f += 0.5 * r * r;
        g0 += r * e0; g1 += r * e1; g2 += r * e2;
      }
    }
    g[0] = g0; g[1] = g1; g[2] = g2;
    return f;
  };
  return multiStart(fg, Math.min(...y), ms);
}

/** Minimise a curve-model objective in θ = [ln C, ln B', ln b] from a few starts; B' is B at the centring ln S = ms. */
function multiStart(fg: (th: Float64Array, g: Float64Array) => number, minY: number, ms: number): CurveModel {
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
