// What every study design plans from: the budgets with their sizes, the replicated points, the seeds, batch sizes
// and learning rates of a grid point, and the trainer settings every run shares (with the study's common
// held-out evaluation).
import { resolveModelConfig } from '@difflm/models';
import { designBatchSequences, designLr } from './design-rules.js';
import { flopsPerToken, parseModelSize, modelSize, type ModelSize } from './model-size.js';
import { vocabSizeOf } from './throughput.js';
import { budgetFlops, type StudyDefinition } from './study-definition.js';

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

export type BudgetGrid = ReturnType<typeof budgetGrid>;

/** Key of a grid point (size name and budget) for matching replicate points. */
export const pointKey = (name: string, budget: number): string => `${name}@${budget.toExponential(12)}`;

/**
 * The replicated grid points as keys, each checked against the grid (a named point the study does not train is an
 * error); null when the study repeats every budget's middle size (replicates without points).
 */
export function replicatePoints(def: StudyDefinition, grid: BudgetGrid): Set<string> | null {
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
export function seedsFor(def: StudyDefinition, points: Set<string> | null, budget: number, sizes: readonly ModelSize[], size: ModelSize): number[] {
  const r = def.replicates;
  if (!r) return [def.seed];
  const repeated = points ? points.has(pointKey(size.name, budget)) : sizes[Math.floor((sizes.length - 1) / 2)]!.name === size.name;
  return repeated ? replicateSeeds(def) : [def.seed];
}

/** The seeds of a replicated point: the study's seed, +1, +2, ... */
export function replicateSeeds(def: StudyDefinition): number[] {
  return Array.from({ length: def.replicates?.count ?? 1 }, (_, k) => def.seed + k);
}

/** The trainer settings every run shares, with the study's common held-out evaluation. */
export function sharedTrainer(def: StudyDefinition): Record<string, unknown> {
  const e = def.evaluation;
  const userEval = (def.trainer.eval ?? {}) as Record<string, unknown>;
  for (const k of ['batches', 'batchSize', 'levels', 'seed', 'atSteps']) {
    if (k in userEval) throw new Error(`trainer.eval.${k}: a study evaluates every run on one shared held-out set${k === 'atSteps' ? ' at the steps its design reads' : `; set evaluation.${k} instead`}`);
  }
  return { ...def.trainer, eval: { ...userEval, batches: e.batches, batchSize: e.batchSize, levels: e.levels, seed: e.seed } };
}

export function batchesFor(def: StudyDefinition, tokens: number): number[] {
  const b = def.batch;
  if ('sequences' in b) return [...b.sequences];
  return [designBatchSequences(tokens, { seqLen: def.seqLen, minSequences: b.minSequences, maxSequences: b.maxSequences })];
}

export function lrsFor(def: StudyDefinition, batchTokens: number): number[] {
  const r = def.lr;
  if ('values' in r) return [...r.values];
  const base = designLr(batchTokens, { ...(r.reference ? { reference: r.reference } : {}), ...(r.exponent !== undefined ? { exponent: r.exponent } : {}) });
  return (r.multipliers ?? [1]).map((m) => base * m);
}
