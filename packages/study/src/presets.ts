// Built-in studies. `quick` is the README's main job (masked vs uniform at tiny scale, minutes on
// two CPU cores); `micro` compares all five of the paper's noise types in about two hours on one machine;
// `lr-sweep` checks that the LR rule transfers across widths; `paper` is SPEC §4's grid (five sizes from 25M
// to 567M, N = 2048), for GPUs.
import type { StudyDefinitionInput } from './study-definition.js';

/**
 * The tiny family: two layers, two heads — but never a head narrower than 8 dimensions. Heads of 4 and 6 dimensions
 * (L2-D8-H2, L2-D12-H2) stall on the unigram plateau far longer than their width explains (L2-D12-H2 ends 8–10%
 * above L2-D12-H1 at the same tokens; a head of 4 learns nothing in 1.4M tokens), so D8 and D12 take one head
 * (ADR 0006, "What the scatter about the parabolas is").
 */
const ladder = (widths: readonly number[]): string[] => widths.map((d) => `L2-D${d}-H${d < 16 ? 1 : 2}`);

/**
 * What the quick and micro presets share, chosen from measured noise floors (2 cores, native backend):
 * - Every run's loss is the held-out ELBO on one shared evaluation set (128 batches × 16 sequences, 8 λ levels,
 *   common random numbers): its standard error is ≈ 0.2% of the loss, and differences between runs carry less.
 * - Seed-to-seed spread falls with training length: at L2-D32, 0.5M tokens gave 4–7%, 2M tokens 1–2%, and at
 *   L2-D40 with 3.4M tokens 0.5–0.6%. Each budget trains its own window of five sizes centred on the optimum
 *   measured at this scale (the prior below), so no run is spent far from it. A grid at 0.7–7e11 FLOPs (runs of
 *   0.35–2.3M tokens at the two smaller budgets) left those budgets' parabolas flat within the 1–2% spread; from
 *   1e11 FLOPs up every run gets at least 0.8M tokens.
 * - A fixed batch of 16 sequences (the design law asks for 8 at these token counts; 16 halves the per-step noise)
 *   with the design-law LR for it, a 10% warmup and a 20% √-cooldown: the cooldown removes most of the final
 *   iterate's noise (the paper's 20% annealing changes losses by a constant factor, SPEC §5.5).
 * - CompleteP's aux LR 0.02·η is tuned for d ≥ 512; at d ≤ 64 it leaves the byte embeddings nearly frozen. 0.2·η
 *   learns past the unigram plateau (0.5·η diverged at d = 48).
 */
const tinyScale = {
  seqLen: 64,
  batch: { sequences: [16] as number[] },
  lr: { rule: 'design-law' },
  warmup: { fraction: 0.1, maxSteps: 2000 },
  minSteps: 100,
  data: { corpus: 'sotu', tokenizer: 'byte' },
  trainer: { optimizer: { auxLrScale: 0.2 }, schedule: { cooldown: 0.2 } },
  evaluation: { loss: 'held-out', batches: 128, batchSize: 16, levels: 8, seed: 1234 },
} as const;

/**
 * M*(C) = 1.257·C^0.417 FLOPs/token: the masked frontier measured by the quick study on this ladder (2026-12-07,
 * seed 0, IsoFLOP vertices of 6 budgets from 1e10 to 3.16e11 FLOPs). Below about 5e10 FLOPs the optimum sits at the
 * smallest size (L2-D8-H1); a smaller one would need a head under 8 dimensions (see `ladder`).
 */
const QUICK_PRIOR = { flopsPerToken: { A: 1.257, alpha: 0.417 } } as const;

/** The frontier the quick-separate grid was designed around: M*(C) = 136·C^0.262 (held-out ELBO, 1e11–1e12 FLOPs). */
const SEPARATE_PRIOR = { flopsPerToken: { A: 136, alpha: 0.262 } } as const;

/**
 * What --dry-run predicts the quick preset's precision from: a law L(M, D) = E + A·M^−α + B·D^−β whose compute
 * optimum is the measured frontier above (α_M = β/(α+β) = 0.417, M*(1e10) = 18.6k) and whose data term and floor
 * are the joint fit's of the same study (E 1.75, B 46.3, β 0.327; the free joint fit put α_M at 0.52), and the run
 * noise of every size measured between two seeds of the whole study (seeds 0 and 1 pooled, `difflm report --pool`,
 * through-EMA reads): masked 1.27% per run, uniform 2.01% — more than the one replicated size (L2-D20) shows within
 * a study (0.62%, 1.06%); about half of it persisting along a run (masked 0.5, uniform 0.75). A third realization, seed
 * 0 on OpenBLAS's Cooperlake kernels instead of Haswell's, is no independent draw: it differs from seed 0 by
 * 0.04–0.11% (masked) where seeds differ by 0.7–1.5%, so pooling it (1.02%, 1.81%) understated the noise.
 */
const QUICK_CURVE_PRIOR = {
  ...QUICK_PRIOR,
  law: { E: 1.75, A: 39.6, alpha: 0.457, B: 46.3, beta: 0.327 },
  noise: { masked: { spread: 0.0127, persistence: 0.5, shared: 0 }, uniform: { spread: 0.0201, persistence: 0.75, shared: 0 } },
} as const;

/**
 * The quick preset on the curve design (ADR 0006): one constant-LR run per size and noise type (warmup 50 steps,
 * no cooldown) to the largest budget whose window lists it; every budget the run passes is read off the curve
 * L(S) = C + B·S^−b fitted to its training ELBO (EMA γ = 0.96) after the warmup — the paper's reading, measured
 * quieter here than a held-out evaluation of the constant-LR iterate (0.64% vs 1.26% masked, 1.5% vs 2.7% uniform,
 * three seeds). Seven budgets a quarter-decade apart from 1e10 to 3.16e11 FLOPs; each budget's window runs from
 * the smallest healthy size (L2-D8-H1) or 2x below the measured optimum up to 3–4x above it, among the sizes that
 * have passed the first read (100 steps) there. Runs stay within one epoch of the corpus (≤ 4.9M of its 9.9M
 * training tokens), so the training ELBO is on unseen text.
 */
const QUICK_CURVE_BUDGETS = [
  { flops: 1e10, models: ladder([8, 12, 16, 20]) },
  { flops: 1.78e10, models: ladder([8, 12, 16, 20, 24]) },
  { flops: 3.16e10, models: ladder([8, 12, 16, 20, 24, 28]) },
  { flops: 5.62e10, models: ladder([8, 12, 16, 20, 24, 28]) },
  { flops: 1e11, models: ladder([8, 12, 16, 20, 24, 28, 32]) },
  { flops: 1.78e11, models: ladder([12, 16, 20, 24, 28, 32]) },
  { flops: 3.16e11, models: ladder([16, 20, 24, 28, 32, 40]) },
];

export const STUDY_PRESETS = {
  quick: {
    name: 'quick',
    description: 'Masked vs uniform diffusion at tiny scale on the embedded corpus (byte tokens, N = 64), the paper\'s sweep method: one constant-LR run per size read at 7 IsoFLOP budgets from 1e10 to 3.16e11 FLOPs off its fitted training curve; one size replicated with three seeds for the noise floor.',
    noise: ['masked', 'uniform'],
    ...tinyScale,
    trainer: { optimizer: { auxLrScale: 0.2 } },
    evaluation: { ...tinyScale.evaluation, loss: 'train-ema' },
    design: { kind: 'curve', warmupSteps: 50 },
    budgets: QUICK_CURVE_BUDGETS,
    replicates: { count: 3, points: [{ model: 'L2-D20-H2', budget: 1e11 }] },
    prior: QUICK_CURVE_PRIOR,
  },
  'quick-separate': {
    name: 'quick-separate',
    description: 'The quick comparison on the separate design (one run per grid point, each with its own warmup and cooldown, final held-out ELBO): 4 IsoFLOP budgets over one decade, 5 sizes each, one grid point replicated with three seeds.',
    noise: ['masked', 'uniform'],
    ...tinyScale,
    budgets: [
      { flops: 1e11, models: ladder([12, 16, 20, 24, 28]) },
      { flops: 2.15e11, models: ladder([20, 24, 28, 32, 40]) },
      { flops: 4.64e11, models: ladder([20, 24, 28, 32, 40]) },
      { flops: 1e12, models: ladder([24, 28, 32, 40, 48]) },
    ],
    // The middle size of the second budget, three seeds.
    replicates: { count: 3, points: [{ model: 'L2-D28-H2', budget: 2.15e11 }] },
    prior: SEPARATE_PRIOR,
  },
  micro: {
    name: 'micro',
    description: "All five of the paper's noise types at tiny scale (byte tokens, N = 64) on the curve design: one constant-LR run per size and noise type read at 8 IsoFLOP budgets from 1e10 to 5.62e11 FLOPs off its fitted training curve; one size replicated with three seeds per noise type.",
    noise: ['masked', 'low-uniform', 'balanced', 'high-uniform', 'uniform'],
    ...tinyScale,
    trainer: { optimizer: { auxLrScale: 0.2 } },
    evaluation: { ...tinyScale.evaluation, loss: 'train-ema' },
    design: { kind: 'curve', warmupSteps: 50 },
    budgets: [...QUICK_CURVE_BUDGETS, { flops: 5.62e11, models: ladder([16, 20, 24, 28, 32, 40, 48]) }],
    replicates: { count: 3, points: [{ model: 'L2-D20-H2', budget: 1e11 }] },
    prior: QUICK_CURVE_PRIOR,
  },
  'lr-sweep': {
    name: 'lr-sweep',
    description: 'Learning-rate transfer across the quick preset\'s widths (CompleteP): masked diffusion at one budget per width (2M tokens each), base LR from 0.25x to 4x the design law.',
    noise: ['masked'],
    ...tinyScale,
    lr: { rule: 'design-law', multipliers: [0.25, 0.5, 1, 2, 4] },
    budgets: [
      { flops: 1.3e11, models: ladder([16]) },
      { flops: 4.0e11, models: ladder([32]) },
      { flops: 1.1e12, models: ladder([56]) },
    ],
  },
  paper: {
    name: 'paper',
    description: "SPEC §4: the paper's five noise types and five sizes (L8-D512 … L20-D1536), N = 2048, budgets 1e18–1e20 FLOPs, batch and LR from the design laws.",
    noise: ['masked', 'low-uniform', 'balanced', 'high-uniform', 'uniform'],
    models: ['L8-D512-H8', 'L10-D640-H10', 'L12-D768-H12', 'L16-D1024-H16', 'L20-D1536-H12'],
    seqLen: 2048,
    budgets: [1e18, 3e18, 1e19, 3e19, 1e20],
    batch: { rule: 'design-law', minSequences: 8, maxSequences: 512 },
    lr: { rule: 'design-law' },
    warmup: { fraction: 0.1, maxSteps: 2000 },
    minSteps: 1000,
    data: { corpus: 'nemotron-cc', tokenizer: 'nemotron-cc-bpe' },
  },
} as const satisfies Record<string, StudyDefinitionInput>;

export type StudyPresetName = keyof typeof STUDY_PRESETS;

export function studyPreset(name: string): StudyDefinitionInput {
  const p = (STUDY_PRESETS as Record<string, StudyDefinitionInput>)[name];
  if (!p) throw new Error(`unknown study preset "${name}"; use one of ${Object.keys(STUDY_PRESETS).join(', ')}, or --file <study.json>`);
  return structuredClone(p);
}
