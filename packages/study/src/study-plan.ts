// Expand a study definition into its runs, checking before any work starts that every run is
// trainable: known noise types, sizes that parse, and budgets large enough for each model.
import { createLossWeightingRegistry, createNoiseRegistry, createObjective, createScheduleRegistry, type LossWeightingRegistry, type NoiseRegistry, type ScheduleRegistry } from '@difflm/noise';
import { parseTrainRunConfig } from '@difflm/trainer/node';
import { createOptimizerRegistry, type OptimizerRegistry } from '@difflm/trainer';
import { budgetGrid, replicatePoints, sharedTrainer } from './plan-grid.js';
import { studyDesign } from './study-designs.js';
import { resolveNoiseChoice, type NoiseChoice } from './noise-choices.js';
import { runIdOf, trainedTokens, type RunConfig } from './run-config.js';
import { vocabSizeOf } from './throughput.js';
import { trainRunConfigOf } from './trainer-executor.js';
import type { StudyDefinition } from './study-definition.js';

export { budgetGrid };

export interface PlannedRun {
  readonly id: string;
  readonly config: RunConfig;
}

export interface StudyPlan {
  readonly name: string;
  readonly definition: StudyDefinition;
  readonly runs: readonly PlannedRun[];
  /** Σ M·D over all runs (non-embedding FLOPs). */
  readonly totalFlops: number;
  readonly totalTokens: number;
}

export interface PlanOptions {
  /** Noise types the study may name (default: @difflm/noise's built-ins); ids and options are checked against it. */
  readonly noiseRegistry?: NoiseRegistry;
  /** λ-schedule types the study's `trainer.objectiveOptions.schedule` may name (default: the built-ins). */
  readonly scheduleRegistry?: ScheduleRegistry;
  /** Optimizer types the study's `trainer.optimizer.kind` may name (default: the built-ins). */
  readonly optimizerRegistry?: OptimizerRegistry;
  /** Loss weightings the study's `trainer.objectiveOptions.lossWeighting` may name (default: the built-ins). */
  readonly lossWeightingRegistry?: LossWeightingRegistry;
  /** An extra check of each noise choice; throws a clear error. */
  readonly checkNoise?: (choice: NoiseChoice) => void;
  /**
   * Plan without checking noise ids and options against a registry: for a study directory's own study.json, checked
   * when the study ran, whose plug-ins a report need not load (the run ids do not depend on them).
   */
  readonly uncheckedNoise?: boolean;
}

/** Check a noise spec against a registry: the id is registered and its options parse. */
function registryCheck(registry: NoiseRegistry): (choice: NoiseChoice) => void {
  return ({ spec }) => void registry.get(spec.id).parseOptions(spec.options);
}

/** Resolve a definition into its run list; throws (naming the field and the fix) on an impossible grid. */
export function planStudy(def: StudyDefinition, opts: PlanOptions = {}): StudyPlan {
  const checkRegistered = opts.uncheckedNoise ? () => {} : registryCheck(opts.noiseRegistry ?? createNoiseRegistry());
  const noises = def.noise.map((n, i) => {
    try {
      const choice = resolveNoiseChoice(n);
      checkRegistered(choice);
      opts.checkNoise?.(choice);
      return choice;
    } catch (e) {
      throw new Error(`noise[${i}]: ${(e as Error).message}`);
    }
  });
  const labels = new Set<string>();
  for (const n of noises) {
    if (labels.has(n.label)) throw new Error(`noise: "${n.label}" is listed twice; give each entry a distinct "label"`);
    labels.add(n.label);
  }
  const design = studyDesign(def);
  design.check(def);
  const grid = budgetGrid(def);
  const replicated = replicatePoints(def, grid);
  const trainer = sharedTrainer(def);
  const runs: PlannedRun[] = [];
  const seen = new Set<string>();
  for (const config of design.plan({ def, noises, grid, replicated, trainer })) {
    if (runs.length === 0) {
      // The trainer settings are shared by every run: check them once, before any work.
      let parsed;
      try {
        parsed = parseTrainRunConfig(trainRunConfigOf(config, 'data', vocabSizeOf(def.data.tokenizer)));
      } catch (e) {
        throw new Error(`trainer: ${(e as Error).message.replace(/^invalid training config:\s*/, '')}`);
      }
      if (!opts.uncheckedNoise) {
        try {
          (opts.optimizerRegistry ?? createOptimizerRegistry()).check(parsed.optimizer.kind, parsed.optimizer.options);
        } catch (e) {
          throw new Error(`trainer.${(e as Error).message}`);
        }
      }
      // The objective options (λ schedule, weighting, ...) with every noise type, against the study's registries.
      if (!opts.uncheckedNoise) {
        const V = vocabSizeOf(def.data.tokenizer);
        const objectiveOptions = (config.trainer as { objectiveOptions?: Record<string, unknown> }).objectiveOptions ?? {};
        const registry = opts.noiseRegistry ?? createNoiseRegistry();
        const schedules = opts.scheduleRegistry ?? createScheduleRegistry();
        const weightings = opts.lossWeightingRegistry ?? createLossWeightingRegistry();
        for (const n of noises) {
          try {
            createObjective(n.spec, { vocabSize: V, maskId: V - 1, padId: V - 2 }, objectiveOptions, registry, schedules, weightings);
          } catch (e) {
            throw new Error(`trainer.objectiveOptions (noise "${n.label}"): ${(e as Error).message.replace(/^objective options[.:]?\s*/, '')}`);
          }
        }
      }
    }
    const id = runIdOf(config);
    if (seen.has(id)) continue;
    seen.add(id);
    runs.push({ id, config });
  }
  // Cooldown branches (the branches design) train beside their run and count in its compute.
  const totalTokens = runs.reduce((s, r) => s + trainedTokens(r.config), 0);
  const totalFlops = runs.reduce((s, r) => s + trainedTokens(r.config) * r.config.flopsPerToken, 0);
  return { name: def.name, definition: def, runs, totalFlops, totalTokens };
}
