// @difflm/compose: from a run config to the pieces @difflm/trainer/node trains with. No results store, queue or
// report code lives here, so `difflm train` loads none of it.
export { runComponents, runComponentsWith } from './run-components.js';
export { preparedDataDir, dataCacheDir, corpusFingerprint, type StudyData } from './prepared-data.js';
export { loadPlugins, loadRecordedPlugins, pluginModuleName, pluginRecord, runPluginRecords, pluginSpecifier, packageEntryFrom, type PluginRecord } from './plugins.js';
