// Plain text files: documents are paragraphs, separated by one or more blank lines. Read line by line.
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Corpus, CorpusDocument } from './corpus.js';
import { requireFile } from './corpus-path.js';

/** Documents of one text file. */
export async function* textDocuments(file: string): AsyncIterable<CorpusDocument> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let paragraph: string[] = [];
  let start = 1, lineNo = 0;
  const emit = (): CorpusDocument | undefined => {
    const text = paragraph.join('\n');
    paragraph = [];
    return text.trim().length > 0 ? { text, source: `${file}:${start}` } : undefined;
  };
  for await (const line of lines) {
    lineNo++;
    if (line.trim().length === 0) {
      const doc = emit();
      if (doc) yield doc;
      start = lineNo + 1;
    } else {
      paragraph.push(line);
    }
  }
  const doc = emit();
  if (doc) yield doc;
}

/** A text file corpus (UTF-8; paragraphs are documents). */
export function textCorpus(path: string): Corpus {
  const file = requireFile(path);
  return { name: file, sizeBytes: async () => statSync(file).size, documents: () => textDocuments(file) };
}
