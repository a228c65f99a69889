export { main } from './main.js';
export { defaultRunComponents, loadPlugins, preparedCorpusDir } from './run-components.js';
export { runCli, errorLine, isInternalError, EXIT } from './run-cli.js';
