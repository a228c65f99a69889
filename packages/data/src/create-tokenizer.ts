// Make a tokenizer by kind name, training it on the corpus when the kind needs training (bpe).
import type { Corpus } from './corpus.js';
import { loadTokenizer, TOKENIZER_KINDS } from './load-tokenizer.js';
import type { Tokenizer, TokenizerKind } from './tokenizer.js';
import { trainBpeTokenizer } from './train-bpe.js';

/** Options of {@link createTokenizer}. */
export interface CreateTokenizerOptions {
  /** Needed by kinds that train (bpe). */
  readonly corpus?: Corpus;
  /** bpe: target vocabulary size (default 4096). */
  readonly vocabSize?: number;
}

/** Default BPE vocabulary size. */
export const DEFAULT_BPE_VOCAB = 4096;

/** A tokenizer with a fixed vocabulary: vocabSize is an error. */
const fixed = (kind: 'byte' | 'gpt2' | 'cl100k') => async (o: CreateTokenizerOptions): Promise<Tokenizer> => {
  if (o.vocabSize !== undefined) throw new Error(`tokenizer "${kind}" has a fixed vocabulary; vocabSize applies only to "bpe"`);
  return loadTokenizer({ kind });
};

const makers: Record<TokenizerKind, (o: CreateTokenizerOptions) => Promise<Tokenizer>> = {
  byte: fixed('byte'),
  gpt2: fixed('gpt2'),
  cl100k: fixed('cl100k'),
  bpe: (o) => {
    if (!o.corpus) throw new Error('tokenizer "bpe" is trained on a corpus: pass options.corpus');
    return trainBpeTokenizer({ corpus: o.corpus, vocabSize: o.vocabSize ?? DEFAULT_BPE_VOCAB });
  },
};

/** Throws a clear error for an unknown tokenizer name; otherwise returns it as a kind. */
export function checkTokenizerKind(kind: string): TokenizerKind {
  if (!Object.hasOwn(makers, kind)) throw new Error(`tokenizer: unknown tokenizer "${kind}"; expected one of ${TOKENIZER_KINDS.join(', ')}`);
  return kind as TokenizerKind;
}

/** `byte`, `gpt2`, `cl100k` or `bpe` (trained on options.corpus). */
export async function createTokenizer(kind: string, options: CreateTokenizerOptions = {}): Promise<Tokenizer> {
  return makers[checkTokenizerKind(kind)](options);
}
