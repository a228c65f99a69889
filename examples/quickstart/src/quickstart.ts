// Train a small masked diffusion LM on the embedded corpus and sample from it, in a few lines of API.
import { selectBackend } from '@difflm/backends';
import { byteTokenizer, openShards, prepareShards, sotuCorpus } from '@difflm/data';
import { createTransformer } from '@difflm/models';
import { createObjective, createRng, generate } from '@difflm/noise';
import { diffusionObjective, train } from '@difflm/trainer';

export interface QuickstartOptions {
  /** Where the token shards go (created). */
  readonly dataDir: string;
  readonly steps?: number;
  /** Documents of the embedded corpus to use (default: all). */
  readonly documents?: number;
  readonly backend?: string;
  readonly onStep?: (step: number, elbo: number) => void;
}

export async function quickstart(o: QuickstartOptions): Promise<{ elbo: number[]; samples: string[] }> {
  await selectBackend(o.backend ?? 'wasm');
  const tokenizer = byteTokenizer();
  await prepareShards({ corpus: sotuCorpus(o.documents ? { limit: o.documents } : {}), tokenizer, outDir: o.dataDir });
  const shards = openShards(o.dataDir);

  const seqLen = 64;
  const model = createTransformer({ vocabSize: tokenizer.vocabSize, seqLen, dModel: 64, nLayers: 2, nHeads: 4 }, { seed: 0 });
  const noise = createObjective({ id: 'difflm/masked' }, tokenizer);
  const elbo: number[] = [];
  await train({
    model,
    objective: diffusionObjective(noise),
    data: shards.createBatchSource({ batchSize: 16, seqLen, seed: 0 }),
    optimizer: { kind: 'laprop' },
    schedule: { peakLr: 0.1, warmupSteps: 10 },
    budget: { steps: o.steps ?? 200 },
    seed: 0,
    onStep: (m) => {
      elbo.push(m.elbo);
      o.onStep?.(m.step, m.elbo);
    },
  });

  const rows = await generate({
    objective: noise,
    denoise: (zt, mask) => model.apply(zt, mask), // [B, N] → logits [B, N, V]
    batchSize: 2, seqLen, steps: 32, sampler: 'ancestral', grid: 'cosine', rng: createRng(1),
  });
  model.dispose();
  shards.close();
  return { elbo, samples: rows.map((ids) => tokenizer.decode(ids)) };
}
