export { noiseConformanceChecks, describeNoiseConformance, runNoiseConformance, type ConformanceCheck, type ConformanceOptions } from './conformance-checks.js';
export { scheduleConformanceChecks, describeScheduleConformance, type ScheduleConformanceOptions } from './schedule-conformance.js';
export { samplerConformanceChecks, describeSamplerConformance, type SamplerConformanceOptions } from './sampler-conformance.js';
export { pluginContractChecks, registerConformance, type ConformanceRunner } from './plugin-contract-checks.js';
export { lossWeightingConformanceChecks, describeLossWeightingConformance, type LossWeightingConformanceOptions } from './loss-weighting-conformance.js';
