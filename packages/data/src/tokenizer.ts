// The tokenizer contract: every tokenizer (byte, corpus-trained BPE, GPT-2, cl100k) is a value of this
// one interface, rebuilt from a JSON-serialisable spec so that a checkpoint can carry its tokenizer.

/** Ids of the special tokens every difflm tokenizer reserves; all four are distinct and < vocabSize. */
export interface SpecialTokenIds {
  /** Beginning of text. */
  readonly bos: number;
  /** End of text: the separator written between documents in packed shards. */
  readonly eos: number;
  /** The pad / "empty" token (SPEC §1.5 empty-token insertion). */
  readonly pad: number;
  /** The absorbing mask token of masked diffusion. */
  readonly mask: number;
}

/** Options for {@link Tokenizer.decode}. */
export interface DecodeOptions {
  /** Drop special tokens instead of rendering them as `<|bos|>`, `<|eos|>`, `<|pad|>`, `<|mask|>`. Default false. */
  readonly skipSpecial?: boolean;
}

/** Byte-level tokenizer spec: ids 0..255 are bytes, then BOS 256, EOS 257, PAD 258, MASK 259 (V = 260). */
export interface ByteTokenizerSpec {
  readonly kind: 'byte';
}

/** A byte-level BPE tokenizer in the Hugging Face `tokenizer.json` format (model.vocab, model.merges, added_tokens). */
export interface BpeTokenizerSpec {
  readonly kind: 'bpe';
  readonly tokenizerJson: HfTokenizerJson;
}

/** A bundled OpenAI vocabulary (via gpt-tokenizer) with difflm's specials appended. */
export interface GptTokenizerSpec {
  readonly kind: 'gpt2' | 'cl100k';
}

/** A JSON-serialisable description from which {@link loadTokenizer} rebuilds the tokenizer. */
export type TokenizerSpec = ByteTokenizerSpec | BpeTokenizerSpec | GptTokenizerSpec;

/** The name of a tokenizer kind. */
export type TokenizerKind = TokenizerSpec['kind'];

/** The subset of the Hugging Face tokenizer.json schema that difflm reads and writes. */
export interface HfTokenizerJson {
  readonly version: string;
  readonly added_tokens: readonly { readonly id: number; readonly content: string; readonly special: boolean }[];
  readonly pre_tokenizer: unknown;
  readonly decoder: unknown;
  readonly model: {
    readonly type: 'BPE';
    readonly vocab: Readonly<Record<string, number>>;
    readonly merges: readonly (readonly [string, string])[];
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

/**
 * A tokenizer. `encode` never emits special tokens (text that spells `<|mask|>` is ordinary text), so
 * `decode(encode(s)) === s` for every string `s`. `vocabSize`, `maskId` and `padId` make a Tokenizer
 * usable wherever @difflm/noise expects a TokenSpace.
 */
export interface Tokenizer {
  readonly kind: TokenizerKind;
  /** Number of token ids, specials included: every id is in [0, vocabSize). */
  readonly vocabSize: number;
  readonly special: SpecialTokenIds;
  /** Same as special.mask (TokenSpace). */
  readonly maskId: number;
  /** Same as special.pad (TokenSpace). */
  readonly padId: number;
  encode(text: string): number[];
  /** Bytes that fail to form UTF-8 (e.g. a sampled partial character) decode to U+FFFD. */
  decode(ids: ArrayLike<number>, options?: DecodeOptions): string;
  /** The spec that rebuilds this tokenizer with loadTokenizer. */
  toSpec(): TokenizerSpec;
}

/** The textual rendering of the specials in decode(). */
export const SPECIAL_TOKEN_TEXT: Readonly<Record<keyof SpecialTokenIds, string>> = {
  bos: '<|bos|>',
  eos: '<|eos|>',
  pad: '<|pad|>',
  mask: '<|mask|>',
};

/** Throws unless the four specials are distinct integers in [0, vocabSize). */
export function checkSpecialIds(special: SpecialTokenIds, vocabSize: number): void {
  const ids = [special.bos, special.eos, special.pad, special.mask];
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) throw new Error(`tokenizer: special id ${id} is outside [0, ${vocabSize})`);
  }
  if (new Set(ids).size !== ids.length) throw new Error(`tokenizer: special ids must be distinct, got ${JSON.stringify(special)}`);
}

/** Throws with the offending position when an id is not an integer in [0, vocabSize). */
export function checkIdsInRange(ids: ArrayLike<number>, vocabSize: number): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
      throw new Error(`decode: token id ${id} at position ${i} is outside the vocabulary [0, ${vocabSize})`);
    }
  }
}
