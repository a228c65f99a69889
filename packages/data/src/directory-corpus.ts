// A directory, walked recursively in sorted order: *.txt files as text, *.jsonl files as JSONL.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Corpus, FileCorpusOptions } from './corpus.js';
import { requirePath } from './corpus-path.js';
import { jsonlDocuments } from './jsonl-corpus.js';
import { textDocuments } from './text-corpus.js';

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else if (entry.isFile() && /\.(txt|jsonl)$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** A directory corpus; throws when it holds no .txt or .jsonl file. */
export function directoryCorpus(path: string, options: FileCorpusOptions = {}): Corpus {
  const dir = requirePath(path);
  if (!statSync(dir).isDirectory()) throw new Error(`corpus: ${dir} is not a directory`);
  const files = walk(dir);
  if (files.length === 0) throw new Error(`corpus: directory ${dir} holds no .txt or .jsonl files (searched recursively)`);
  return {
    name: dir,
    sizeBytes: async () => files.reduce((s, f) => s + statSync(f).size, 0),
    async *documents() {
      for (const f of files) yield* f.endsWith('.jsonl') ? jsonlDocuments(f, options.field) : textDocuments(f);
    },
  };
}
