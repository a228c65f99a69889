export { main } from './main.js';
export { defaultRunComponents, loadPlugins, preparedCorpusDir, cacheDir } from './run-components.js';
