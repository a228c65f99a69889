// @difflm/example-custom-schedule: a third-party λ-schedule plug-in. Name it in a study file with
//   { "plugins": ["@difflm/example-custom-schedule"],
//     "trainer": { "objectiveOptions": { "schedule": "acme/shifted-cosine", "scheduleOptions": { "shift": -1 } } } }
export { default, shiftedCosineSchedule, type ShiftedCosineOptions } from './shifted-cosine.js';
