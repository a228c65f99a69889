// Build a TrainRunConfig from a preset, an optional config file and command-line flags (in that order
// of precedence, flags last). The data directory must be known first: its vocabulary sizes the model.
import { modelConfigForDepth } from '@difflm/models';
import type { TrainRunConfigInput } from '@difflm/trainer/node';

export interface TrainFlags {
  preset?: string;
  noise?: string;
  noiseOptions?: string;
  depth?: string;
  steps?: string;
  tokens?: string;
  flops?: string;
  batch?: string;
  seqLen?: string;
  lr?: string;
  warmup?: string;
  cooldown?: string;
  optimizer?: string;
  seed?: string;
  evalEvery?: string;
  checkpointEvery?: string;
}

type Obj = Record<string, unknown>;

/**
 * Presets: `tiny` (seconds), `small` (~1M parameters, minutes), `reference` (the benchmark model). η = 0.3 is
 * the paper's base LR (SPEC §4); at d = 128 a base LR of 1 stalled masked diffusion at the unigram entropy.
 */
export const PRESETS: Record<string, Obj> = {
  tiny: { model: { dModel: 64, nLayers: 2, nHeads: 2 }, batchSize: 8, seqLen: 64, budget: { steps: 200 }, schedule: { peakLr: 0.5, warmupSteps: 20 }, checkpointEvery: 50, eval: { batches: 4 } },
  small: { model: { dModel: 128, nLayers: 4, nHeads: 4 }, batchSize: 16, seqLen: 128, budget: { steps: 1000 }, schedule: { peakLr: 0.3, warmupSteps: 100, cooldown: 0.2 }, checkpointEvery: 100, eval: { batches: 8, every: 250 } },
  reference: { model: { dModel: 128, nLayers: 2, nHeads: 4 }, batchSize: 16, seqLen: 128, budget: { steps: 500 }, schedule: { peakLr: 0.3, warmupSteps: 50 }, checkpointEvery: 100, eval: { batches: 8 } },
};

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function deepMerge(a: Obj, b: Obj): Obj {
  const out: Obj = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isObj(v) && isObj(out[k]) && k !== 'budget' ? deepMerge(out[k] as Obj, v) : v;
  return out;
}

function num(flag: string, v: string | undefined, integer = false): number | undefined {
  if (v === undefined) return undefined;
  if (String(v).trim() === '') throw new Error(`--${flag} needs a value (got an empty one, as from "--${flag}=")`);
  const n = Number(v);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) throw new Error(`--${flag} must be ${integer ? 'an integer' : 'a number'}, got "${v}"`);
  return n;
}

/** `masked` → `difflm/masked`; `ar`/`autoregressive` → the AR baseline. */
export function objectiveFromFlag(noise: string, optionsJson: string | undefined): Obj {
  if (noise === 'ar' || noise === 'autoregressive') return { kind: 'autoregressive' };
  let options: unknown;
  if (optionsJson) {
    try { options = JSON.parse(optionsJson); } catch (e) { throw new Error(`--noise-options must be JSON, e.g. '{"preset": "low-uniform"}' (${(e as Error).message})`); }
  }
  return { kind: 'diffusion', noise: { id: noise.includes('/') ? noise : `difflm/${noise}`, ...(options !== undefined ? { options } : {}) } };
}

/** Merge preset ← file ← flags; fill model.vocabSize/seqLen/causal from the data and the objective. */
export function buildTrainConfig(flags: TrainFlags, fileConfig: Obj, data: { dir: string; vocabSize: number }): TrainRunConfigInput {
  const presetName = flags.preset ?? (Object.keys(fileConfig).length ? undefined : 'tiny');
  if (presetName !== undefined && !PRESETS[presetName]) throw new Error(`--preset must be one of ${Object.keys(PRESETS).join(', ')}, got "${presetName}"`);
  let cfg: Obj = deepMerge(presetName ? PRESETS[presetName]! : {}, fileConfig);
  const over: Obj = {};
  const budgetFlags = (['steps', 'tokens', 'flops'] as const).filter((k) => flags[k] !== undefined);
  if (budgetFlags.length > 1) throw new Error(`give one budget flag, got --${budgetFlags.join(' and --')}`);
  if (budgetFlags[0]) over.budget = { [budgetFlags[0]]: num(budgetFlags[0], flags[budgetFlags[0]], budgetFlags[0] === 'steps') };
  const set = (key: string, value: unknown): void => { if (value !== undefined) over[key] = value; };
  set('batchSize', num('batch', flags.batch, true));
  set('seqLen', num('seq-len', flags.seqLen, true));
  set('seed', num('seed', flags.seed, true));
  set('checkpointEvery', num('checkpoint-every', flags.checkpointEvery, true));
  const schedule: Obj = {};
  if (flags.lr !== undefined) schedule.peakLr = num('lr', flags.lr);
  if (flags.warmup !== undefined) schedule.warmupSteps = num('warmup', flags.warmup, true);
  if (flags.cooldown !== undefined) schedule.cooldown = num('cooldown', flags.cooldown);
  if (Object.keys(schedule).length) over.schedule = schedule;
  if (flags.optimizer !== undefined) over.optimizer = { kind: flags.optimizer };
  if (flags.evalEvery !== undefined) over.eval = { every: num('eval-every', flags.evalEvery, true) };
  if (flags.noise !== undefined) over.objective = objectiveFromFlag(flags.noise, flags.noiseOptions);
  cfg = deepMerge(cfg, over);
  cfg.objective ??= { kind: 'diffusion', noise: { id: 'difflm/masked' } };
  cfg.data = { dir: data.dir };
  const seqLen = cfg.seqLen as number;
  const causal = (cfg.objective as Obj).kind === 'autoregressive';
  const depth = num('depth', flags.depth, true);
  const model = depth !== undefined
    ? { ...modelConfigForDepth(depth, { vocabSize: data.vocabSize, seqLen, causal }) }
    : { ...(cfg.model as Obj | undefined) };
  model.vocabSize ??= data.vocabSize;
  model.seqLen ??= seqLen;
  model.causal = causal;
  cfg.model = model;
  return cfg as unknown as TrainRunConfigInput;
}
