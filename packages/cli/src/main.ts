// The difflm command tree. Subcommands load lazily, so `difflm fit` never loads TensorFlow.js.
import { defineCommand } from 'citty';

export const main = defineCommand({
  meta: { name: 'difflm', version: '0.1.0', description: 'Train, sample and study the scaling of discrete diffusion language models.' },
  subCommands: {
    train: () => import('./commands/train.js').then((m) => m.default),
    eval: () => import('./commands/eval.js').then((m) => m.default),
    sample: () => import('./commands/sample.js').then((m) => m.default),
    data: () => import('./commands/data.js').then((m) => m.default),
    fit: () => import('./commands/fit.js').then((m) => m.default),
    study: () => import('./commands/study.js').then((m) => m.default),
    worker: () => import('./commands/worker.js').then((m) => m.default),
    runs: () => import('./commands/runs.js').then((m) => m.default),
    report: () => import('./commands/report.js').then((m) => m.default),
    export: () => import('./commands/export.js').then((m) => m.default),
  },
});
