// JSON Lines: one JSON object per line, the document text in a field (default "text"). Blank lines are
// skipped; a malformed line is an error that names the file and line.
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Corpus, CorpusDocument, FileCorpusOptions } from './corpus.js';
import { requireFile } from './corpus-path.js';

/** Documents of one JSONL file. */
export async function* jsonlDocuments(file: string, field = 'text'): AsyncIterable<CorpusDocument> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line.trim().length === 0) continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (e) {
      throw new Error(`jsonl: ${file}:${lineNo}: invalid JSON (${(e as Error).message}); each line must be one JSON object`);
    }
    const text = row !== null && typeof row === 'object' ? (row as Record<string, unknown>)[field] : undefined;
    if (typeof text !== 'string') {
      throw new Error(`jsonl: ${file}:${lineNo}: field "${field}" is missing or not a string; choose the text field with --field (option "field")`);
    }
    if (text.trim().length > 0) yield { text, source: `${file}:${lineNo}` };
  }
}

/** A JSONL file corpus. */
export function jsonlCorpus(path: string, options: FileCorpusOptions = {}): Corpus {
  const file = requireFile(path);
  return { name: file, sizeBytes: async () => statSync(file).size, documents: () => jsonlDocuments(file, options.field) };
}
