export { runTraining, type RunTrainingOptions, type RunResult, type ProgressEvent, assertFitsInMemory } from './run-training.js';
export { openRun, type OpenedRun } from './open-run.js';
export type { RunComponents, RunData } from './run-components.js';
export { parseTrainRunConfig, optimizerOptionsOf, trainRunConfigSchema, MAX_SEQ_LEN, MAX_STEP_TOKENS, MAX_EVAL_BATCHES, MAX_EVAL_LEVELS, type TrainRunConfig, type TrainRunConfigInput } from './run-config.js';
export { encodeCheckpoint, decodeCheckpoint, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type CheckpointHeader } from './checkpoint-file.js';
export { runPaths, listCheckpoints, removeDeadTempFiles, readJsonl, readJsonlLenient, type RunPaths } from './run-dir.js';
export { RUN_DIRECTORY_LOST } from './run-lease.js';
