// @difflm/trainer/testing: the conformance kit of optimizer plug-ins.
export { optimizerConformanceChecks, describeOptimizerConformance, type OptimizerConformanceOptions } from './optimizer-conformance.js';
export type { ConformanceCheck } from '@difflm/noise/testing';
