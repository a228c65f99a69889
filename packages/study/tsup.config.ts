import { packageBuild } from '../../tsup.shared.js';

// run-process is a second entry: the local runner and distributed workers fork it as a child process.
export default packageBuild(['src/index.ts', 'src/run-process.ts']);
