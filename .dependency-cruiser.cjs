// The package DAG of docs/architecture.md, enforced in CI (`pnpm check:deps`).
// Libraries (noise, models, trainer, scaling-fit, data) never import a TensorFlow.js backend,
// never import apps (cli, study, backends), and follow the arrows below.
const lib = (name) => `^packages/${name}/src`;
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Runtime cycles only: type-only imports vanish at build time.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'browser-safe-libraries',
      comment: 'What a web page bundles (noise, models, random, @difflm/data/tokenizers) imports no Node built-in.',
      severity: 'error',
      from: { path: ['^packages/(noise|models|random)/src/', '^packages/data/src/(tokenizers|tokenizer|load-tokenizer|byte-tokenizer|bpe-tokenizer|gpt-tokenizers|byte-level)\\.ts$'], pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'noise-is-a-leaf',
      comment: '@difflm/noise depends only on @tensorflow/tfjs-core.',
      severity: 'error',
      from: { path: lib('noise') },
      to: { path: ['^packages/(models|trainer|scaling-fit|data|cli|study|backends|backend-native)/', '@difflm/(models|trainer|scaling-fit|data|cli|study|backends|backend-native)'] },
    },
    {
      name: 'models-is-a-leaf',
      severity: 'error',
      from: { path: lib('models') },
      to: { path: ['^packages/(noise|trainer|scaling-fit|data|cli|study|backends|backend-native)/', '@difflm/(noise|trainer|scaling-fit|data|cli|study|backends|backend-native)'] },
    },
    {
      name: 'trainer-uses-a-model-port',
      comment: 'The trainer sees models through a structural port; @difflm/models is only a devDependency (tests).',
      severity: 'error',
      from: { path: lib('trainer'), pathNot: '\\.test\\.ts$' },
      to: { path: ['^packages/(models|scaling-fit|cli|study|backends|backend-native)/', '@difflm/(models|scaling-fit|cli|study|backends|backend-native)'] },
    },
    {
      name: 'scaling-fit-is-pure',
      comment: '@difflm/scaling-fit is pure TypeScript: no tfjs, no other difflm package.',
      severity: 'error',
      from: { path: lib('scaling-fit') },
      to: { path: ['@tensorflow', '^packages/(noise|models|trainer|data|cli|study|backends|backend-native)/', '@difflm/'] },
    },
    {
      name: 'data-is-a-leaf',
      severity: 'error',
      from: { path: lib('data') },
      to: { path: ['@tensorflow', '^packages/(noise|models|trainer|scaling-fit|cli|study|backends|backend-native)/', '@difflm/(noise|models|trainer|scaling-fit|cli|study|backends|backend-native)'] },
    },
    {
      name: 'libraries-pick-no-backend',
      comment: 'Only apps (cli, study workers, backends, examples) choose a TensorFlow.js backend or import the umbrella package.',
      severity: 'error',
      from: { path: '^packages/(noise|models|trainer|scaling-fit|data)/src', pathNot: '\\.test\\.ts$' },
      to: { path: ['@tensorflow/tfjs-backend-', '@tensorflow/tfjs-node', 'node_modules/@tensorflow/tfjs/', '@difflm/backend-native'] },
    },
    {
      name: 'nothing-depends-on-examples-or-test-utils',
      severity: 'error',
      from: { path: '^packages/[^/]+/src/', pathNot: ['^packages/(test-utils|integration)/', '\\.test\\.ts$'] },
      to: { path: ['^examples/', '^packages/(test-utils|integration)/', '@difflm/(test-utils|integration)'] },
    },
    {
      name: 'compose-is-below-the-apps',
      comment: '@difflm/compose (the composition root of a run) sits below cli and study: no app, backend, store, queue or report code.',
      severity: 'error',
      from: { path: lib('compose'), pathNot: '\\.test\\.ts$' },
      to: { path: ['^packages/(cli|study|backends|backend-native|scaling-fit)/', '@difflm/(cli|study|backends|backend-native|scaling-fit)', 'better-sqlite3', 'bullmq', 'ioredis', '@tensorflow/tfjs-backend-', '@tensorflow/tfjs-node'] },
    },
    {
      name: 'train-eval-sample-load-no-store-or-queue',
      comment: '`difflm train`, `eval` and `sample` compose runs through @difflm/compose: nothing they reach loads SQLite, BullMQ/Redis or the study package.',
      severity: 'error',
      from: { path: '^packages/cli/src/(commands/(train|eval|sample)|run-components)\\.ts$' },
      to: { path: ['^packages/study/', 'node_modules/better-sqlite3/', 'node_modules/bullmq/', 'node_modules/ioredis/', '^(better-sqlite3|bullmq|ioredis)$'], reachable: true },
    },
    {
      name: 'no-app-imports-into-libraries',
      severity: 'error',
      from: { path: '^packages/(noise|models|trainer|scaling-fit|data|backends)/src' },
      to: { path: ['^packages/(cli|study)/', '@difflm/(cli|study)'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['dist/', 'node_modules/\\.pnpm/.*/node_modules/(?!@difflm)'] },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: { conditionNames: ['@difflm/source', 'import', 'node', 'default'], exportsFields: ['exports'] },
    tsConfig: { fileName: 'tsconfig.base.json' },
  },
};
