export { noiseConformanceChecks, describeNoiseConformance, runNoiseConformance, type ConformanceCheck, type ConformanceOptions } from './conformance-checks.js';
