// Built-in studies. `quick` is the README's main job (masked vs uniform at tiny scale, minutes on
// two CPU cores); `micro` compares all five of the paper's noise types over a grid that shows trends in
// hours on one machine; `paper` is SPEC §4's grid (five sizes from 25M to 567M, N = 2048), for GPUs.
import type { StudyDefinitionInput } from './study-definition.js';

export const STUDY_PRESETS = {
  quick: {
    name: 'quick',
    description: 'Masked vs uniform diffusion at tiny scale on the embedded corpus (byte tokens, N = 64): 2 noise types × 4 sizes × 4 IsoFLOP budgets.',
    noise: ['masked', 'uniform'],
    // Widths 12…32 (6.7x in parameters): at these budgets the compute-optimal size lies inside the range.
    // Wider models get too few tokens to leave the unigram plateau; narrower ones cost more per FLOP
    // (the vocabulary-sized output work does not shrink with d).
    models: ['L2-D12-H2', 'L2-D16-H2', 'L2-D24-H2', 'L2-D32-H2'],
    seqLen: 64,
    budgets: [1e10, 2e10, 4e10, 8e10],
    // The design law asks for 3–8 sequences at this scale; 8 keeps the per-step overhead small.
    batch: { rule: 'design-law', minSequences: 8, maxSequences: 64 },
    lr: { rule: 'design-law' },
    warmup: { fraction: 0.1, maxSteps: 2000 },
    minSteps: 20,
    data: { corpus: 'sotu', tokenizer: 'byte' },
    // CompleteP's aux LR (embeddings, head, norms) of 0.02·η is tuned for d ≥ 512; at d ≤ 32 it leaves the
    // byte embeddings nearly frozen. 0.2·η learns past the unigram plateau within these budgets
    // (0.5·η diverged at d = 48).
    trainer: { optimizer: { auxLrScale: 0.2 }, eval: { batches: 4, levels: 8 } },
  },
  micro: {
    name: 'micro',
    description: "All five of the paper's noise types over 4 sizes × 3 budgets (byte tokens, N = 128): hours on one machine.",
    noise: ['masked', 'low-uniform', 'balanced', 'high-uniform', 'uniform'],
    models: ['L2-D64-H4', 'L3-D96-H6', 'L4-D128-H4', 'L5-D160-H5'],
    seqLen: 128,
    budgets: [1.5e12, 5e12, 1.5e13],
    batch: { rule: 'design-law', minSequences: 8, maxSequences: 128 },
    lr: { rule: 'design-law' },
    warmup: { fraction: 0.1, maxSteps: 2000 },
    minSteps: 100,
    data: { corpus: 'sotu', tokenizer: 'byte' },
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
