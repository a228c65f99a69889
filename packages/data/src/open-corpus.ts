// One entry point from a name or path (what the CLI's --corpus/--format/--field give) to a Corpus.
import { statSync } from 'node:fs';
import type { Corpus, CorpusFormat } from './corpus.js';
import { requirePath } from './corpus-path.js';
import { directoryCorpus } from './directory-corpus.js';
import { jsonlCorpus } from './jsonl-corpus.js';
import { sotuCorpus } from './sotu-corpus.js';
import { textCorpus } from './text-corpus.js';

/** Options of {@link openCorpus}. */
export interface OpenCorpusOptions {
  /** How to read a single file; default from its extension (.jsonl → jsonl, else text). Ignored for directories. */
  readonly format?: CorpusFormat;
  /** JSONL text field, default "text". */
  readonly field?: string;
}

const fileCorpora: Record<CorpusFormat, (path: string, field: string | undefined) => Corpus> = {
  text: (path) => textCorpus(path),
  jsonl: (path, field) => jsonlCorpus(path, { field }),
};

/** `"sotu"` → the embedded corpus; otherwise a file or directory path. Throws for a missing path. */
export function openCorpus(source: string, options: OpenCorpusOptions = {}): Corpus {
  if (source === 'sotu') return sotuCorpus();
  const path = requirePath(source);
  if (statSync(path).isDirectory()) return directoryCorpus(path, { field: options.field });
  const format = options.format ?? (path.endsWith('.jsonl') ? 'jsonl' : 'text');
  const make = fileCorpora[format];
  if (!make) throw new Error(`corpus: unknown format "${String(format)}"; expected one of ${Object.keys(fileCorpora).join(', ')}`);
  return make(path, options.field);
}
