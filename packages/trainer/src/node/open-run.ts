// Open a finished or running run directory for evaluation or sampling: its config, the model restored
// from the newest checkpoint, the data and the objective.
import { existsSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type { DiffusionObjective } from '@difflm/noise';
import { autoregressiveObjective } from '../autoregressive-objective.js';
import { diffusionObjective } from '../diffusion-objective.js';
import type { TrainableModel } from '../model-port.js';
import type { TrainingObjective } from '../training-objective.js';
import { decodeCheckpoint } from './checkpoint-file.js';
import type { RunComponents, RunData } from './run-components.js';
import { readStoredRunConfig, type TrainRunConfig } from './run-config.js';
import { listCheckpoints, runPaths } from './run-dir.js';

export interface OpenedRun {
  readonly config: TrainRunConfig;
  /** Optimizer steps of the checkpoint the weights come from. */
  readonly step: number;
  readonly model: TrainableModel;
  readonly data: RunData;
  readonly objective: TrainingObjective;
  /** The noise objective (null for the autoregressive baseline). */
  readonly noise: DiffusionObjective | null;
  dispose(): void;
}

export async function openRun(runDir: string, components: RunComponents): Promise<OpenedRun> {
  const paths = runPaths(runDir);
  if (!existsSync(paths.config)) throw new Error(`${runDir} is not a difflm run directory (no config.json): pass the --run-dir of a training run`);
  const config = readStoredRunConfig(paths.config, 'restore config.json, or evaluate another run');
  const latest = listCheckpoints(paths).at(-1);
  if (!latest) throw new Error(`${runDir} has no checkpoint yet: train it (or resume it) until the first checkpoint is written`);
  const decoded = decodeCheckpoint(new Uint8Array(readFileSync(latest.path)), latest.path, latest.step);
  // A reader checks the config against the checkpoint exactly as resume does: an edited config.json (another noise,
  // another model) would otherwise evaluate or sample the weights under the wrong objective without a word.
  if (JSON.stringify(decoded.config) !== JSON.stringify(config)) {
    throw new Error(`checkpoint ${latest.path} was written by a different config than ${paths.config}: the run directory is inconsistent (was config.json edited?); restore config.json or evaluate another run`);
  }
  const { state } = decoded;
  const data = await components.openData(config.data);
  const model = components.createModel(config.model, { seed: config.seeds?.init ?? config.seed });
  try {
    for (const p of model.params) {
      const t = state.params[p.name];
      if (!t || t.shape.join('x') !== p.variable.shape.join('x')) throw new Error(`checkpoint ${latest.path} does not fit the model of ${paths.config} (parameter '${p.name}')`);
      // NaN weights would surface as "logits contain NaN" in the middle of an evaluation, naming neither file nor cause.
      if (!t.values.every(Number.isFinite)) throw new Error(`checkpoint ${latest.path} holds weights that are not finite (parameter '${p.name}'): the run diverged before it was written, or the file was forged; evaluate an earlier checkpoint or retrain`);
      tf.tidy(() => p.variable.assign(tf.tensor(t.values, t.shape, 'float32')));
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  let noise: DiffusionObjective | null = null;
  let objective: TrainingObjective;
  if (config.objective.kind === 'diffusion') {
    const { noise: spec, objectiveOptions } = config.objective;
    noise = components.createNoiseObjective(spec, data.tokens, objectiveOptions);
    const density = components.logSnrDensity?.(noise);
    objective = diffusionObjective(noise, { eval: { levels: config.eval.levels, ...(density ? { logSnrDensity: density } : {}) } });
  } else {
    objective = autoregressiveObjective();
  }
  return { config, step: state.step, model, data, objective, noise, dispose: () => model.dispose() };
}
