// Rebuild tasks/cloze-sotu.jsonl, the cloze task `difflm eval --task cloze` runs: cloze items cut from the held-out
// split of the embedded State of the Union corpus (public domain), as the study runs prepare it (byte tokenizer,
// seed 0, 5% of documents held out). Run: pnpm --filter @difflm/cli run build:cloze
import { writeFileSync } from 'node:fs';
import { preparedDataDir } from '@difflm/compose';
import { BUILTIN_TASKS } from '../src/tasks/task-file.js';
import { buildClozeItems, CLOZE_DEFAULTS } from '../src/tasks/cloze.js';
import { heldOutDocuments } from '../src/tasks/held-out-documents.js';

const dir = await preparedDataDir({ corpus: 'sotu', tokenizer: 'byte' });
const items = buildClozeItems(await heldOutDocuments(dir), CLOZE_DEFAULTS);
writeFileSync(BUILTIN_TASKS.cloze!, items.map((it) => JSON.stringify(it)).join('\n') + '\n');
process.stdout.write(`wrote ${items.length} items to ${BUILTIN_TASKS.cloze}\n`);
