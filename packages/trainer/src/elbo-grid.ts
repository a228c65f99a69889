// A fixed λ grid for estimating the true ELBO on held-out data (SPEC §1.2, §2.3).
//
// The ELBO is −log p(x) ≤ E_{λ~p(λ)}[e(λ)] = ∫ e(λ)·p(λ) dλ, where e(λ) is the importance-weighted
// per-token term the noise objective reports as `elbo` (w_λ/p(λ)·(KL + D_IS)). Changing variables to
// α = σ(λ) (dα = σ'(λ)dλ) gives ∫_{α_min}^{α_max} e(λ(α))·p(λ(α))/σ'(λ(α)) dα, which we integrate with
// the midpoint rule on K equal α-cells: α_k = α_min + (k + ½)Δ, Δ = (α_max − α_min)/K, λ_k = logit(α_k),
// and weight w_k = Δ·p(λ_k)/σ'(λ_k). For the paper's density p(λ) = σ'(λ) (the linear schedule α = 1 − t)
// every weight is Δ, i.e. a plain average over a linear α grid, the paper's likelihood evaluation grid
// (SPEC §2.3). One noise draw per level; the boundary constant C is not included (SPEC §1.1).

export interface ElboGridOptions {
  /** Number of λ levels K. */
  readonly levels: number;
  /** Range of λ (SPEC §1.2: [−9, 9]). */
  readonly minLogSnr?: number;
  readonly maxLogSnr?: number;
  /** The λ density p(λ) that the objective's `elbo` divides by; default σ'(λ) (SPEC §1.2). */
  readonly logSnrDensity?: (logSnr: number) => number;
}

export interface ElboGrid {
  readonly logSnr: readonly number[];
  /** Quadrature weights; Σ_k weight_k·e(λ_k) estimates the ELBO. */
  readonly weights: readonly number[];
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const dSigmoid = (x: number): number => sigmoid(x) * sigmoid(-x);

export function elboGrid(o: ElboGridOptions): ElboGrid {
  const K = o.levels;
  if (!Number.isInteger(K) || K < 1) throw new Error(`eval.levels must be an integer >= 1, got ${K}`);
  const lo = o.minLogSnr ?? -9, hi = o.maxLogSnr ?? 9;
  if (!(lo < hi)) throw new Error(`eval λ range must have minLogSnr < maxLogSnr, got [${lo}, ${hi}]`);
  const density = o.logSnrDensity ?? dSigmoid;
  const aLo = sigmoid(lo), aHi = sigmoid(hi);
  const delta = (aHi - aLo) / K;
  const logSnr: number[] = [], weights: number[] = [];
  for (let k = 0; k < K; k++) {
    const a = aLo + (k + 0.5) * delta;
    const lam = Math.log(a / (1 - a));
    logSnr.push(lam);
    weights.push((delta * density(lam)) / dSigmoid(lam));
  }
  return { logSnr, weights };
}
