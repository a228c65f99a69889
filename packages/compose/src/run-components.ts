// The composition root of a training run: @difflm/models builds the transformer, @difflm/data streams
// the prepared shards, @difflm/noise builds the objective (with any noise, λ-schedule and loss-weighting plug-ins in its registries), @difflm/trainer's optimizer registry the optimizer.
// Handed to @difflm/trainer/node's runTraining by study run processes, queue workers and `difflm train|eval|sample`.
import { existsSync } from 'node:fs';
import { openShards } from '@difflm/data';
import { createTransformer, type ModelConfigInput } from '@difflm/models';
import { createLossWeightingRegistry, createNoiseRegistry, createObjective, createScheduleRegistry, isNoiseObjective, type LossWeightingRegistry, type NoiseRegistry, type ScheduleRegistry } from '@difflm/noise';
import type { RunComponents } from '@difflm/trainer/node';
import { createOptimizerRegistry, type OptimizerRegistry } from '@difflm/trainer';

/** The run components with the plug-ins of one loaded module list (noise types, λ schedules, optimizers, loss weightings; built-ins first). */
export function runComponentsWith(plugins: readonly unknown[]): RunComponents {
  return runComponents(createNoiseRegistry(plugins), createScheduleRegistry(plugins), createOptimizerRegistry(plugins), createLossWeightingRegistry(plugins));
}

export function runComponents(registry: NoiseRegistry = createNoiseRegistry(), schedules: ScheduleRegistry = createScheduleRegistry(), optimizers: OptimizerRegistry = createOptimizerRegistry(), weightings: LossWeightingRegistry = createLossWeightingRegistry()): RunComponents {
  return {
    optimizers,
    createModel: (model, { seed }) => createTransformer(model as unknown as ModelConfigInput, { seed }),
    openData({ dir }) {
      if (!existsSync(dir)) throw new Error(`data directory ${dir} does not exist: prepare it with \`difflm data prepare --corpus <path> --out ${dir}\`, or omit --data to train on the embedded corpus`);
      const shards = openShards(dir);
      const meta = shards.metadata;
      return {
        tokens: { vocabSize: meta.vocabSize, maskId: meta.special.mask, padId: meta.special.pad },
        bytesPerToken: meta.splits.validation.bytesPerToken,
        batches: ({ split, batchSize, seqLen, seed }) => shards.createBatchSource({ split, batchSize, seqLen, seed, shuffle: split === 'train' }),
      };
    },
    createNoiseObjective: (spec, tokens, options) => createObjective(spec, tokens, options, registry, schedules, weightings),
    logSnrDensity: (objective) => (isNoiseObjective(objective) ? (logSnr: number) => objective.schedule.density(logSnr) : undefined),
  };
}
