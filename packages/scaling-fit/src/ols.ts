// Ordinary least squares of y on x with a t-based confidence interval on the slope; used for the
// hyperparameter laws (SPEC §5.1: OLS on (ln x, ln y) with 99% intervals).
import { studentTQuantile } from './student-t.js';

export interface LinearFit {
  slope: number;
  intercept: number;
  /** Half-width of the slope's confidence interval at `level`. */
  slopeHalfWidth: number;
  interceptHalfWidth: number;
  level: number;
  rSquared: number;
  n: number;
}

/** OLS fit y = intercept + slope·x with `level` (default 0.99) two-sided t intervals. */
export function fitLinear(x: readonly number[], y: readonly number[], level = 0.99): LinearFit {
  const n = x.length;
  if (n !== y.length) throw new Error(`x and y must have the same length, got ${n} and ${y.length}`);
  if (n < 3) throw new Error(`a linear fit with an interval needs at least 3 points, got ${n}`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(x[i]!) || !Number.isFinite(y[i]!)) throw new Error(`point ${i} is not finite (x=${x[i]}, y=${y[i]}); drop it before fitting`);
  const mx = x.reduce((s, v) => s + v, 0) / n, my = y.reduce((s, v) => s + v, 0) / n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx, dy = y[i]! - my;
    sxx += dx * dx; sxy += dx * dy; syy += dy * dy;
  }
  if (sxx === 0) throw new Error('x has no spread: all points share one x value, so the slope is undefined');
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let sse = 0;
  for (let i = 0; i < n; i++) { const r = y[i]! - intercept - slope * x[i]!; sse += r * r; }
  const s2 = sse / (n - 2);
  const t = studentTQuantile(0.5 + level / 2, n - 2);
  return {
    slope,
    intercept,
    slopeHalfWidth: t * Math.sqrt(s2 / sxx),
    interceptHalfWidth: t * Math.sqrt(s2 * (1 / n + (mx * mx) / sxx)),
    level,
    rSquared: syy === 0 ? 1 : 1 - sse / syy,
    n,
  };
}
