// The reference training configs of the training-speed benchmark and their model FLOPs per token: (a) and (b),
// the quick study preset's smallest and largest models, where per-step overhead rather than GEMMs decides, and the
// paper's L8-D512 at N = 2048 (a GPU config: `pnpm bench:train --backend webgpu`).

export type TrainConfigName = 'a' | 'b' | 'quick-small' | 'quick-large' | 'l8-d512';

export interface TrainConfig {
  readonly name: TrainConfigName;
  readonly nLayers: number;
  readonly dModel: number;
  readonly nHeads: number;
  readonly vocabSize: number;
  readonly batch: number;
  readonly seqLen: number;
}

export const referenceConfigs: Record<TrainConfigName, TrainConfig> = {
  a: { name: 'a', nLayers: 2, dModel: 128, nHeads: 4, vocabSize: 256, batch: 16, seqLen: 128 },
  b: { name: 'b', nLayers: 6, dModel: 384, nHeads: 6, vocabSize: 256, batch: 16, seqLen: 256 },
  'quick-small': { name: 'quick-small', nLayers: 2, dModel: 12, nHeads: 2, vocabSize: 260, batch: 16, seqLen: 64 },
  'quick-large': { name: 'quick-large', nLayers: 2, dModel: 56, nHeads: 2, vocabSize: 260, batch: 16, seqLen: 64 },
  // The paper's L8-D512 (8 heads of 64) at N = 2048, with the byte vocabulary of (a) and (b) rather than the paper's
  // 2^17 BPE (which would make the output head most of the FLOPs). 4 sequences of 2048: each layer's attention
  // probabilities [B, H, N, N+1] are then 537 MB, under the 1 GiB many adapters allow one storage binding (8 would be
  // 1.07 GB, over it on SwiftShader's adapter, for one).
  'l8-d512': { name: 'l8-d512', nLayers: 8, dModel: 512, nHeads: 8, vocabSize: 256, batch: 4, seqLen: 2048 },
};

/** The configs `pnpm bench:train` runs by default, on the CPU and on a GPU backend. */
export const defaultConfigs = { cpu: ['a', 'b', 'quick-small', 'quick-large'], gpu: ['a', 'b', 'l8-d512'] } as const satisfies Record<string, readonly TrainConfigName[]>;

/**
 * Training FLOPs per token of the model's matrix products (forward + backward = 3x forward):
 * 12·L·d² weights (qkv 3d², out d², MLP 8d²) and the d·V output head at 2 FLOPs per weight, plus attention
 * scores and mixing (4·N·d per layer). The same count is used for difflm and PyTorch.
 */
export function trainFlopsPerToken(c: TrainConfig): number {
  const weights = 12 * c.nLayers * c.dModel * c.dModel + c.dModel * c.vocabSize;
  return 3 * (2 * weights + 4 * c.nLayers * c.seqLen * c.dModel);
}
