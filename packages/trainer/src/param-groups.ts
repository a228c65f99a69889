// CompleteP parameter groups (SPEC §4): bulk matrices train at η/d, aux parameters (norms, biases,
// sink, embedding, lm_head) at 0.02·η. Weight decay is decoupled; the paper's code scales the bulk
// decay by d (so the effective decay η/d·wd·d = η·wd) and gives aux parameters none.
import type { GroupSchedule } from './optimizer.js';

export interface CompletePOptions {
  /** Width d of the model. */
  readonly dModel: number;
  /** Aux LR as a fraction of η (SPEC §4: 0.02). */
  readonly auxLrScale?: number;
  /** Base weight decay (SPEC §4: 0). */
  readonly weightDecay?: number;
}

export function completePGroups(baseLr: number, o: CompletePOptions): GroupSchedule {
  const wd = o.weightDecay ?? 0;
  return {
    bulk: { lr: baseLr / o.dModel, weightDecay: wd * o.dModel },
    aux: { lr: (o.auxLrScale ?? 0.02) * baseLr, weightDecay: 0 },
  };
}

/** β2 of SPEC §4: 0.99, lowered to 0.98 for batches of 256 sequences or more. */
export function defaultBeta2(batchSequences: number): number {
  return batchSequences >= 256 ? 0.98 : 0.99;
}

/** ε of SPEC §4: 1e−8/(d·L). */
export function defaultEpsilon(dModel: number, nLayers: number): number {
  return 1e-8 / (dModel * nLayers);
}
