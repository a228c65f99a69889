import type { RunConfig } from './run-config.js';

/** Short human label of a run: `masked L2-D32-H2 C=2.0e+10 B=8 lr=0.045`. */
export function runLabel(c: RunConfig): string {
  return `${c.noiseLabel} ${c.model.name} C=${c.budgetFlops.toExponential(1)} B=${c.batchSequences} lr=${c.lr.toPrecision(3)}`;
}
