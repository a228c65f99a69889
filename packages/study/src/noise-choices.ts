// The noise types a study compares. The paper's five hybrid presets (SPEC §1.3) have short names;
// any other process is named by its namespaced id plus options, exactly as a training config names it.
import type { NoiseSpec } from '@difflm/noise';

export interface NoiseChoice {
  /** Group label used in reports (e.g. `masked`). */
  readonly label: string;
  readonly spec: NoiseSpec;
}

const hybrid = (b: number): NoiseSpec => ({ id: 'difflm/hybrid', options: { a: 1, b } });

/** The paper's hybrid shifts b (SPEC §1.3 table). */
export const PAPER_NOISE: Readonly<Record<string, NoiseSpec>> = {
  masked: hybrid(-1000),
  'low-uniform': hybrid(-2),
  balanced: hybrid(0),
  'high-uniform': hybrid(2),
  uniform: hybrid(1000),
};

/** Resolve a study's noise entry: a preset name, or `{ id, options, label }`. */
export function resolveNoiseChoice(entry: string | { id: string; options?: Record<string, unknown>; label?: string }): NoiseChoice {
  if (typeof entry === 'string') {
    const spec = PAPER_NOISE[entry];
    if (!spec) {
      throw new Error(`unknown noise "${entry}"; use one of ${Object.keys(PAPER_NOISE).join(', ')} or an object { "id": "<namespace>/<name>", "options": {...} }`);
    }
    return { label: entry, spec };
  }
  const spec: NoiseSpec = entry.options === undefined ? { id: entry.id } : { id: entry.id, options: entry.options };
  return { label: entry.label ?? entry.id, spec };
}
