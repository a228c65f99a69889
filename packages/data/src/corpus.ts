// A corpus is a stream of documents. Documents are the unit of the train/validation split and are
// separated by EOS in the packed shards.

/** One document and where it came from (for error messages). */
export interface CorpusDocument {
  readonly text: string;
  /** `file`, `file:line` or a dataset id. */
  readonly source: string;
}

/** A source of documents, read lazily (never the whole corpus in memory at once). */
export interface Corpus {
  /** `sotu` or the absolute path it reads. */
  readonly name: string;
  /** Total bytes of the underlying files, for progress; undefined when unknown. */
  sizeBytes(): Promise<number | undefined>;
  /** The documents in a fixed order. Empty (whitespace-only) documents are skipped. */
  documents(): AsyncIterable<CorpusDocument>;
}

/** The corpus formats a file can be read as. */
export type CorpusFormat = 'text' | 'jsonl';

/** Options shared by the file corpora. */
export interface FileCorpusOptions {
  /** JSONL: the field that holds the document text. Default "text". */
  readonly field?: string;
}
