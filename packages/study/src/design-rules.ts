// The paper's hyperparameter design rules (SPEC §5.1): the optimal batch size depends on the training
// tokens, B* ∝ D^0.82, and the optimal base LR on the batch size, η* ∝ B^0.34.

/** Design-time law of the scaled runs: B = 3.614098626e−3 · D^0.8179 tokens (SPEC §5.1, [E-nb]). */
export const DESIGN_BATCH_COEFFICIENT = 3.614098626e-3;
export const DESIGN_BATCH_EXPONENT = 0.8179;
/** η*_base ∝ B*^0.3412 (SPEC §5.1). */
export const DESIGN_LR_EXPONENT = 0.3412;
/** The tuned anchor: η_base = 0.3 at B = 64 sequences of 2048 tokens (SPEC §4). */
export const DESIGN_LR_REFERENCE = { lr: 0.3, batchTokens: 64 * 2048 } as const;

/** Optimal batch size in tokens for a run of `tokens` training tokens. */
export function designBatchTokens(tokens: number): number {
  return DESIGN_BATCH_COEFFICIENT * Math.pow(tokens, DESIGN_BATCH_EXPONENT);
}

export interface BatchRuleOptions {
  readonly seqLen: number;
  readonly minSequences: number;
  readonly maxSequences: number;
}

/** The design-law batch in whole sequences, clamped to [minSequences, maxSequences]. */
export function designBatchSequences(tokens: number, opts: BatchRuleOptions): number {
  const seqs = Math.round(designBatchTokens(tokens) / opts.seqLen);
  return Math.min(opts.maxSequences, Math.max(opts.minSequences, seqs));
}

export interface LrRuleOptions {
  readonly reference?: { readonly lr: number; readonly batchTokens: number };
  readonly exponent?: number;
}

/** Base LR for a batch of `batchTokens` tokens: η = η_ref · (B / B_ref)^0.3412. */
export function designLr(batchTokens: number, opts: LrRuleOptions = {}): number {
  const ref = opts.reference ?? DESIGN_LR_REFERENCE;
  return ref.lr * Math.pow(batchTokens / ref.batchTokens, opts.exponent ?? DESIGN_LR_EXPONENT);
}
