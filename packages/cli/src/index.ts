export { main } from './main.js';
export { defaultRunComponents, loadPlugins, preparedCorpusDir } from './run-components.js';
