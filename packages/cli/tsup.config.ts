import { packageBuild } from '../../tsup.shared.js';

// Each command is its own entry so that `difflm fit` never loads TensorFlow.js.
export default packageBuild(['src/index.ts', 'src/bin.ts', 'src/commands/*.ts', '!src/**/*.test.ts'], { dts: { entry: ['src/index.ts'] }, splitting: true });
