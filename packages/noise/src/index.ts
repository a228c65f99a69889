export type { NoiseSpec, TokenSpace, CorruptedBatch, DiffusionLoss, DiffusionObjective } from './objective.js';
export { createRng, type Rng, type RngState } from './random.js';
export {
  defineNoise, isNoisePlugin, assertNoisePlugin,
  type BaseDistribution, type LossWeighting, type NoiseProcess, type NoisePlugin, type NoiseTypes, type TokenWeightContext,
} from './noise-type.js';
export { createNoiseRegistry, builtinNoiseTypes, noiseSpec, checkSpec, type NoiseRegistry, type NoiseRegistryOptions, type NoiseId } from './registry.js';
export { maskBase, uniformBase, vectorBase } from './process/base-distributions.js';
export { hybridNoise, hybridPresets, type HybridNoiseOptions, type HybridPreset } from './process/hybrid-noise.js';
export { maskedNoise, type MaskedNoiseOptions } from './process/masked-noise.js';
export { uniformNoise, type UniformNoiseOptions } from './process/uniform-noise.js';
export { giddNoise, giddSchedule, giddLogB, giddAt, giddTimeFromLogSnr, type GiddNoiseOptions } from './process/gidd-noise.js';
export { timeRange, logSnrFromUniform, type LogSnrSchedule, type LogSnrRangeOptions } from './schedule/log-snr-schedule.js';
export { linearSchedule, default as linearScheduleType, type LinearScheduleOptions } from './schedule/linear-schedule.js';
export { cosineSchedule, default as cosineScheduleType, type CosineScheduleOptions } from './schedule/cosine-schedule.js';
export { logLinearSchedule, mdlmSigma, mdlmDSigma, default as logLinearScheduleType, type LogLinearScheduleOptions } from './schedule/log-linear-schedule.js';
export { defineSchedule, isSchedulePlugin, assertSchedulePlugin, type SchedulePlugin, type ScheduleTypes, type LogSnrRange } from './schedule/schedule-type.js';
export { createScheduleRegistry, builtinScheduleTypes, type ScheduleRegistry, type ScheduleSpec } from './schedule/schedule-registry.js';
export { stratifiedUniforms } from './schedule/stratified.js';
export { defineLossWeighting, isLossWeightingPlugin, assertLossWeightingPlugin, type LossWeightingPlugin, type LossWeightingTypes, type LossWeight, type LossWeightingContext, type TokenWeightInput } from './loss/weighting/loss-weighting-type.js';
export { createLossWeightingRegistry, builtinLossWeightings, type LossWeightingRegistry, type LossWeightingSpec } from './loss/weighting/loss-weighting-registry.js';
export { default as unweightedElboWeighting, type UnweightedElboOptions } from './loss/weighting/unweighted-elbo.js';
export { default as elboWeighting, type ElboWeightingOptions } from './loss/weighting/elbo.js';
export { default as clipWeighting, type ClipWeightingOptions } from './loss/weighting/clip.js';
export { default as dynamicWeighting, type DynamicWeightingOptions } from './loss/weighting/dynamic.js';
export { sigmoid, logit } from './scalar-math.js';
export {
  mixingAt, piVector, dPiVector, marginalVector, alphaAt, giddWeight, tokenWeights, denoisedProbs, klAndIs, type WeightSettings,
} from './token-math.js';
export { mdlmLogitsAtT } from './process/mdlm-logits.js';
export { createObjective, isNoiseObjective, type ObjectiveOptions, type NoiseObjective, type ScheduleId } from './create-objective.js';
export { tokenTerms, aggregateTerms, marginalProbs, type LossSettings, type TokenTerms, type LossInputs } from './loss/diffusion-loss.js';
export { FusedLossKernel, fusedLossActive, setFusedLossEnabled } from './loss/fused-loss.js';
export { corruptBatch, corruptAtLogSnr, sampleToken, type CorruptionSettings } from './corruption/corrupt.js';
export { insertEmptyTokens } from './corruption/empty-tokens.js';
export { samplePromptLength, attentionFromLevels } from './corruption/prompt-conditioning.js';
export { generate, type GenerateOptions, type GenerateStep, type PrefixDenoiser, type SamplerKind, type SamplingState } from './sampling/generate.js';
export { defineSampler, isSamplerPlugin, assertSamplerPlugin, type SamplerPlugin, type SamplerTypes, type SamplerRegistry, type DiffusionSampler, type BlockContext } from './sampling/sampler-type.js';
export { createSamplerRegistry, builtinSamplers, ancestralSampler, adaptiveSampler, selfCorrectionSampler } from './sampling/sampler-types.js';
export { logSnrGrid, type LogSnrGridKind } from './sampling/log-snr-grid.js';
export { ancestralPosterior, posteriorStep, type PosteriorStep } from './sampling/ancestral-posterior.js';
export { denoiserProbs, sampleCategorical, argmax, type TruncationOptions } from './sampling/denoiser-probs.js';
export type { Denoiser } from './sampling/denoise-call.js';
export type { SelfCorrectionOptions } from './sampling/self-correction.js';
export { samplePrior } from './sampling/sample-prior.js';
export { pluginKind, pluginKindOf, qualifiedId, type PluginKind } from './plugin-kind.js';
export { optionRecord, numberField, enumField, booleanField, inUnitInterval, positive, finite, type RawOptions } from './option-fields.js';
export { canReadSync } from './sync-read.js';
export { hostValues, withHostValues } from './host-values.js';
