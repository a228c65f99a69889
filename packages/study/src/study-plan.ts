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
import { budgetFlops, type StudyDefinition } from './study-definition.js';

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

type ModelEntry = StudyDefinition['models'][number];

function sizesOf(def: StudyDefinition, entries: readonly ModelEntry[], where: string): ModelSize[] {
  return entries.map((m, i) => {
    try {
      const size = typeof m === 'string' ? parseModelSize(m) : modelSize(m.layers, m.width, m.heads);
      resolveModelConfig({ vocabSize: vocabSizeOf(def.data.tokenizer), seqLen: def.seqLen, dModel: size.width, nLayers: size.layers, nHeads: size.heads });
      return size;
    } catch (e) {
      throw new Error(`${where}[${i}]: ${(e as Error).message}`);
    }
  });
}

/** Each budget with the sizes trained at it (its own list, else the study's), sorted by FLOPs per token. */
export function budgetGrid(def: StudyDefinition): { budget: number; sizes: ModelSize[] }[] {
  const shared = sizesOf(def, def.models, 'models');
  return def.budgets.map((b, i) => {
    const sizes = typeof b === 'number' ? shared : sizesOf(def, b.models, `budgets[${i}].models`);
    if (sizes.length === 0) throw new Error(`budgets[${i}]: no model sizes; list them in "models" or in this budget's "models"`);
    return { budget: budgetFlops(b), sizes: [...sizes].sort((a, c) => flopsPerToken(a, def.seqLen) - flopsPerToken(c, def.seqLen)) };
  });
}

/** Key of a grid point (size name and budget) for matching replicate points. */
const pointKey = (name: string, budget: number): string => `${name}@${budget.toExponential(12)}`;

/**
 * The replicated grid points as keys, each checked against the grid (a named point the study does not train is an
 * error); null when the study repeats every budget's middle size (replicates without points).
 */
function replicatePoints(def: StudyDefinition, grid: readonly { budget: number; sizes: readonly ModelSize[] }[]): Set<string> | null {
  if (!def.replicates?.points) return null;
  const trained = new Set(grid.flatMap((g) => g.sizes.map((s) => pointKey(s.name, g.budget))));
  return new Set(def.replicates.points.map((p, i) => {
    let name: string;
    try { name = parseModelSize(p.model).name; } catch (e) { throw new Error(`replicates.points[${i}].model: ${(e as Error).message}`); }
    const key = pointKey(name, p.budget);
    if (!trained.has(key)) throw new Error(`replicates.points[${i}]: ${name} at ${p.budget.toExponential(2)} FLOPs is not a grid point of this study; name a model and budget the study trains`);
    return key;
  }));
}

/** Seeds of each grid point: the study's seed, plus replicate seeds where the study repeats that point. */
function seedsFor(def: StudyDefinition, points: Set<string> | null, budget: number, sizes: readonly ModelSize[], size: ModelSize): number[] {
  const r = def.replicates;
  if (!r) return [def.seed];
  const repeated = points ? points.has(pointKey(size.name, budget)) : sizes[Math.floor((sizes.length - 1) / 2)]!.name === size.name;
  return repeated ? Array.from({ length: r.count }, (_, k) => def.seed + k) : [def.seed];
}

/** The trainer settings every run shares, with the study's common held-out evaluation. */
function sharedTrainer(def: StudyDefinition): Record<string, unknown> {
  const e = def.evaluation;
  const userEval = (def.trainer.eval ?? {}) as Record<string, unknown>;
  for (const k of ['batches', 'batchSize', 'levels', 'seed']) {
    if (k in userEval) throw new Error(`trainer.eval.${k}: a study evaluates every run on one shared held-out set; set evaluation.${k} instead`);
  }
  return { ...def.trainer, eval: { ...userEval, batches: e.batches, batchSize: e.batchSize, levels: e.levels, seed: e.seed } };
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
  const grid = budgetGrid(def);
  const replicated = replicatePoints(def, grid);
  const trainer = sharedTrainer(def);
  const runs: PlannedRun[] = [];
  const seen = new Set<string>();
  for (const { budget, sizes } of grid) {
    for (const size of sizes) {
      const M = flopsPerToken(size, def.seqLen);
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
          for (const noise of noises) for (const seed of seedsFor(def, replicated, budget, sizes, size)) {
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
              seed,
              trainer,
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
