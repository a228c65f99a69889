export { main } from './main.js';
export { defaultRunComponents, loadPlugins, preparedCorpusDir } from './run-components.js';
export { runCli, errorLine, isInternalError, EXIT } from './run-cli.js';
export { readTask, BUILTIN_TASKS, type Task, type TaskItem } from './tasks/task-file.js';
export { buildClozeItems, CLOZE_DEFAULTS, type ClozeOptions } from './tasks/cloze.js';
export { heldOutDocuments } from './tasks/held-out-documents.js';
