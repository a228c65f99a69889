// λ grids for the samplers (SPEC §2.1), ordered from noise (λ_min) to data (λ_max):
//   linear: α = linspace(1e−4, 0.9999, T+1);  cosine: t = linspace(0.999, 1e−3, T+1), α = ½ + ½cos(πt);
//   λ = clip(logit α, λ_min, λ_max). The endpoints 1e−4/0.9999 and 1e−3/0.999 are [E]'s; they keep logit finite.
import { clamp, logit } from '../scalar-math.js';

export type LogSnrGridKind = 'linear' | 'cosine';

export function logSnrGrid(kind: LogSnrGridKind, steps: number, range: readonly [number, number] = [-9, 9]): Float64Array {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`sampler steps must be an integer >= 1, got ${steps}`);
  if (!(range[0] < range[1])) throw new Error(`sampler: inverted λ range [${range[0]}, ${range[1]}] (min must be < max)`);
  const out = new Float64Array(steps + 1);
  for (let i = 0; i <= steps; i++) {
    const f = i / steps;
    const alpha = kind === 'linear' ? 1e-4 + f * (0.9999 - 1e-4) : 0.5 + 0.5 * Math.cos(Math.PI * (0.999 + f * (1e-3 - 0.999)));
    out[i] = clamp(logit(alpha), range[0], range[1]);
  }
  return out;
}
