export {
  resolveModelConfig,
  modelConfigForDepth,
  paperModelConfig,
  PAPER_MODEL_SIZES,
  type ModelConfig,
  type ModelConfigInput,
  type DepthOptions,
  type PaperModelName,
} from './config.js';
export {
  paperParamCount,
  exactNonEmbeddingParamCount,
  exactParamCount,
  flopsPerToken,
  notebookFlopsPerToken,
  type FlopsMethod,
  type FlopsOptions,
} from './counts.js';
export { parameterLayout, type ParamSpec, type ParamInit } from './parameter-layout.js';
export {
  createTransformer,
  buildTransformer,
  type Transformer,
  type PrefixCache,
  type NamedVariable,
  type ParamGroup,
  type CreateTransformerOptions,
} from './transformer.js';
export { causalLmLoss } from './causal-lm-loss.js';
export {
  serializeModel,
  deserializeModel,
  validateManifest,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type ModelManifest,
  type ParamEntry,
  type SerializedModel,
} from './serialize.js';
export { matMul } from './matmul.js';
export { embed } from './embedding.js';
export { rmsNorm, RMS_NORM_EPS } from './rms-norm.js';
export { ropeTables, applyRope, type RopeTables } from './rope.js';
export { HIDDEN_LOGIT } from './attention.js';
export { biasSquaredRelu } from './squared-relu.js';
export { FusedKernel, fusedKernelActive, setFusedKernelsEnabled, type FusedBlock } from './fused.js';
