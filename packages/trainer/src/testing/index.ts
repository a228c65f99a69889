// @difflm/trainer/testing: the conformance kit of optimizer plug-ins.
export { optimizerConformanceChecks, describeOptimizerConformance, type OptimizerConformanceOptions, type ConformanceCheck } from './optimizer-conformance.js';
