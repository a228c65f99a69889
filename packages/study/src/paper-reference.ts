// The paper's headline numbers that a study report sets its own beside (SPEC §5.4 Table 1: Method 1, sq. fit,
// 2σ bootstrap intervals as offsets), keyed by the noise labels of @difflm/study's noise choices.

export interface PaperExponents {
  readonly alphaM: readonly [number, number, number];
  readonly alphaD: readonly [number, number, number];
  readonly alphaL: readonly [number, number, number];
}

/** [estimate, lower offset, upper offset] per exponent (SPEC §5.4, Table 1). */
export const PAPER_TABLE_1: Readonly<Record<string, PaperExponents>> = {
  masked: { alphaM: [0.566, -0.022, 0.019], alphaD: [0.434, -0.019, 0.02], alphaL: [-0.0496, -0.00041, 0.00032] },
  'low-uniform': { alphaM: [0.535, -0.012, 0.014], alphaD: [0.465, -0.014, 0.012], alphaL: [-0.0509, -0.00034, 0.00035] },
  balanced: { alphaM: [0.534, -0.014, 0.015], alphaD: [0.466, -0.015, 0.014], alphaL: [-0.0512, -0.00026, 0.00022] },
  'high-uniform': { alphaM: [0.573, -0.023, 0.027], alphaD: [0.427, -0.027, 0.023], alphaL: [-0.0514, -0.00039, 0.00036] },
  uniform: { alphaM: [0.589, -0.019, 0.018], alphaD: [0.411, -0.018, 0.001], alphaL: [-0.0522, -0.00029, 0.00026] },
};

/** The paper's ordering of compute-optimal loss, best first (masked ≤ low-uniform ≤ balanced ≤ high-uniform ≤ uniform). */
export const PAPER_LOSS_ORDER: readonly string[] = ['masked', 'low-uniform', 'balanced', 'high-uniform', 'uniform'];

/** "0.566 [−0.022, +0.019]". */
export function formatPaperInterval(v: readonly [number, number, number]): string {
  const f = (x: number) => (Math.abs(x) < 0.01 ? x.toPrecision(2) : x.toFixed(3));
  return `${v[0]} [${v[1] < 0 ? '−' : '+'}${f(Math.abs(v[1]))}, ${v[2] < 0 ? '−' : '+'}${f(Math.abs(v[2]))}]`;
}
