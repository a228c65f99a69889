// MDLM's "subs" view of the masked marginal as logits ([G] `MaskedDiffusion.logits_at_t`, SPEC §1.6):
// clean tokens get log α_t + log((onehot(x) + 1e−8)/(1 + V·1e−8)), the mask gets log(1 − α_t).
// The 1e−8 offset keeps log(0) out of the logits (as [G] does); it is MDLM's constant, not a tunable.
export function mdlmLogitsAtT(x: number, alpha: number, vocabSize: number, maskId: number): Float64Array {
  const floor = 1e-8; // [G] offset of the one-hot before log (SPEC §1.6)
  const logZ = Math.log1p(vocabSize * floor);
  const out = new Float64Array(vocabSize);
  for (let v = 0; v < vocabSize; v++) out[v] = Math.log(alpha) + (v === x ? Math.log1p(floor) : Math.log(floor)) - logZ;
  out[maskId] = Math.log1p(-alpha);
  return out;
}
