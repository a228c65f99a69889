// Expand a study definition into its runs, checking before any work starts that every run is
// trainable: known noise types, sizes that parse, and budgets large enough for each model.
import { resolveModelConfig } from '@difflm/models';
import { createNoiseRegistry, type NoiseRegistry } from '@difflm/noise';
import { parseTrainRunConfig } from '@difflm/trainer/node';
import { designBatchSequences, designLr } from './design-rules.js';
import { flopsPerToken, paperParams, parseModelSize, modelSize, type ModelSize } from './model-size.js';
import { resolveNoiseChoice, type NoiseChoice } from './noise-choices.js';
import { runIdOf, type RunConfig } from './run-config.js';
import { vocabSizeOf } from './throughput.js';
import { trainRunConfigOf } from './trainer-executor.js';
import type { StudyDefinition } from './study-definition.js';

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
  /** An extra check of each noise choice; throws a clear error. */
  readonly checkNoise?: (choice: NoiseChoice) => void;
}

/** Check a noise spec against a registry: the id is registered and its options parse. */
function registryCheck(registry: NoiseRegistry): (choice: NoiseChoice) => void {
  return ({ spec }) => void registry.get(spec.id).parseOptions(spec.options);
}

function sizesOf(def: StudyDefinition): ModelSize[] {
  return def.models.map((m, i) => {
    try {
      const size = typeof m === 'string' ? parseModelSize(m) : modelSize(m.layers, m.width, m.heads);
      resolveModelConfig({ vocabSize: vocabSizeOf(def.data.tokenizer), seqLen: def.seqLen, dModel: size.width, nLayers: size.layers, nHeads: size.heads });
      return size;
    } catch (e) {
      throw new Error(`models[${i}]: ${(e as Error).message}`);
    }
  });
}

function batchesFor(def: StudyDefinition, tokens: number): number[] {
  const b = def.batch;
  if ('sequences' in b) return [...b.sequences];
  return [designBatchSequences(tokens, { seqLen: def.seqLen, minSequences: b.minSequences, maxSequences: b.maxSequences })];
}

function lrsFor(def: StudyDefinition, batchTokens: number): number[] {
  const r = def.lr;
  if ('values' in r) return [...r.values];
  const base = designLr(batchTokens, { ...(r.reference ? { reference: r.reference } : {}), ...(r.exponent !== undefined ? { exponent: r.exponent } : {}) });
  return (r.multipliers ?? [1]).map((m) => base * m);
}

/** Resolve a definition into its run list; throws (naming the field and the fix) on an impossible grid. */
export function planStudy(def: StudyDefinition, opts: PlanOptions = {}): StudyPlan {
  const checkRegistered = registryCheck(opts.noiseRegistry ?? createNoiseRegistry());
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
  const sizes = sizesOf(def);
  const runs: PlannedRun[] = [];
  const seen = new Set<string>();
  for (const size of sizes) {
    const M = flopsPerToken(size, def.seqLen);
    for (const budget of def.budgets) {
      const wanted = budget / M;
      for (const batch of batchesFor(def, wanted)) {
        const batchTokens = batch * def.seqLen;
        const steps = Math.ceil(wanted / batchTokens);
        if (steps < def.minSteps) {
          const need = M * batchTokens * def.minSteps;
          throw new Error(
            `budgets: ${budget.toExponential(2)} FLOPs gives ${size.name} (${M.toExponential(2)} FLOPs/token) only ${Math.floor(wanted)} tokens = ${steps} steps of ${batch}×${def.seqLen} tokens, fewer than minSteps ${def.minSteps}; raise the budget to at least ${need.toExponential(2)} FLOPs, drop that model, or lower minSteps/batch`,
          );
        }
        const warmupSteps = Math.min(def.warmup.maxSteps, Math.round(def.warmup.fraction * steps));
        for (const lr of lrsFor(def, batchTokens)) {
          for (const noise of noises) {
            const config: RunConfig = {
              noiseLabel: noise.label,
              noise: noise.spec,
              model: { name: size.name, layers: size.layers, width: size.width, heads: size.heads },
              seqLen: def.seqLen,
              data: def.data,
              budgetFlops: budget,
              flopsPerToken: M,
              params: paperParams(size),
              batchSequences: batch,
              steps,
              tokens: steps * batchTokens,
              lr: Number(lr.toPrecision(6)),
              warmupSteps,
              seed: def.seed,
              trainer: def.trainer,
            };
            if (runs.length === 0) {
              // The trainer settings are shared by every run: check them once, before any work.
              try {
                parseTrainRunConfig(trainRunConfigOf(config, 'data', vocabSizeOf(def.data.tokenizer)));
              } catch (e) {
                throw new Error(`trainer: ${(e as Error).message.replace(/^invalid training config:\s*/, '')}`);
              }
            }
            const id = runIdOf(config);
            if (seen.has(id)) continue;
            seen.add(id);
            runs.push({ id, config });
          }
        }
      }
    }
  }
  const totalTokens = runs.reduce((s, r) => s + r.config.tokens, 0);
  const totalFlops = runs.reduce((s, r) => s + r.config.tokens * r.config.flopsPerToken, 0);
  return { name: def.name, definition: def, runs, totalFlops, totalTokens };
}
