// Power laws y = A·C^α (optionally + E) fitted in log space with a Huber loss (SPEC §5.3 item 4: residuals
// ln f(C) − ln y, scipy's loss="huber" with f_scale 1 by default), with R² in log space.
import { minimizeLbfgs } from './lbfgs.js';

export interface PowerLawOptions {
  /** Huber scale on log residuals (scipy's f_scale; default 1). */
  huberScale?: number;
  /** Fit an irreducible term E ≥ 0: y = A·C^α + E (default false). */
  irreducible?: boolean;
  /** Start point for (A, α[, E]); default the OLS fit in log space (E starts at 1% of min y). */
  start?: { A: number; alpha: number; E?: number };
}

export interface PowerLawFit {
  A: number;
  alpha: number;
  /** Irreducible term (0 unless `irreducible`). */
  E: number;
  /** R² of ln y in log space. */
  rSquared: number;
  n: number;
}

/** Evaluate A·C^α + E. */
export function evalPowerLaw(law: Pick<PowerLawFit, 'A' | 'alpha' | 'E'>, c: number): number {
  return law.A * Math.pow(c, law.alpha) + law.E;
}

function validate(c: readonly number[], y: readonly number[]): void {
  if (c.length !== y.length) throw new Error(`compute and y must have the same length, got ${c.length} and ${y.length}`);
  if (c.length < 2) throw new Error(`a power law needs at least 2 points, got ${c.length}`);
  for (let i = 0; i < c.length; i++) {
    if (!(c[i]! > 0 && Number.isFinite(c[i]!))) throw new Error(`compute[${i}] must be finite and positive, got ${c[i]}`);
    if (!(y[i]! > 0 && Number.isFinite(y[i]!))) throw new Error(`y[${i}] must be finite and positive (fits are in log space), got ${y[i]}`);
  }
}

/** Fit y = A·C^α (+ E) by minimising Σ Huber(ln f(C) − ln y). */
export function fitPowerLaw(c: readonly number[], y: readonly number[], options: PowerLawOptions = {}): PowerLawFit {
  validate(c, y);
  const n = c.length;
  const lc = c.map(Math.log), ly = y.map(Math.log);
  const mc = lc.reduce((s, v) => s + v, 0) / n;
  const delta = options.huberScale ?? 1;
  if (!(delta > 0)) throw new Error(`huberScale must be positive, got ${delta}`);
  // OLS start in centred log space: ln y = k + α(ln C − mc).
  let start = options.start;
  if (!start) {
    let sxx = 0, sxy = 0;
    const my = ly.reduce((s, v) => s + v, 0) / n;
    for (let i = 0; i < n; i++) { sxx += (lc[i]! - mc) ** 2; sxy += (lc[i]! - mc) * (ly[i]! - my); }
    const alpha = sxx > 0 ? sxy / sxx : 0;
    start = { A: Math.exp(my - alpha * mc), alpha, E: 0.01 * Math.min(...y) };
  }
  const irreducible = options.irreducible ?? false;
  // θ = [k, α(, e)] with A = exp(k − α·mc) and E = exp(e): centring decouples k from α.
  const theta0 = [Math.log(start.A) + start.alpha * mc, start.alpha];
  if (irreducible) theta0.push(Math.log(Math.max(start.E ?? 0.01 * Math.min(...y), 1e-300)));
  const fg = (th: Float64Array, g: Float64Array): number => {
    const k = th[0]!, alpha = th[1]!, E = irreducible ? Math.exp(th[2]!) : 0;
    let f = 0, g0 = 0, g1 = 0, g2 = 0;
    for (let i = 0; i < n; i++) {
      const u = lc[i]! - mc;
      const p = Math.exp(k + alpha * u);
      const s = p + E;
      const r = Math.log(s) - ly[i]!;
      const ar = Math.abs(r);
      let dr: number;
      if (ar <= delta) { f += 0.5 * r * r; dr = r; } else { f += delta * (ar - 0.5 * delta); dr = r > 0 ? delta : -delta; }
      const w = dr / s;
      g0 += w * p; g1 += w * p * u; g2 += w * E;
    }
    g[0] = g0; g[1] = g1;
    if (irreducible) g[2] = g2;
    return f;
  };
  const res = minimizeLbfgs(fg, theta0, { gradientTolerance: 1e-12, maxIterations: 500 });
  if (!Number.isFinite(res.f)) throw new Error('power-law fit diverged (non-finite objective); check the data for extreme values');
  const k = res.x[0]!, alpha = res.x[1]!, E = irreducible ? Math.exp(res.x[2]!) : 0;
  const A = Math.exp(k - alpha * mc);
  const my = ly.reduce((s, v) => s + v, 0) / n;
  let ssr = 0, sst = 0;
  for (let i = 0; i < n; i++) {
    ssr += (Math.log(A * Math.exp(alpha * lc[i]!) + E) - ly[i]!) ** 2;
    sst += (ly[i]! - my) ** 2;
  }
  return { A, alpha, E, rSquared: sst === 0 ? 1 : 1 - ssr / sst, n };
}
