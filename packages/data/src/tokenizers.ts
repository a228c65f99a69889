// The browser-safe part of @difflm/data (`@difflm/data/tokenizers`): the tokenizers and their JSON specs, with no
// Node import anywhere below (dependency rule `browser-safe-libraries`), for pages that load an exported run.
export type {
  Tokenizer, TokenizerSpec, TokenizerKind, SpecialTokenIds, DecodeOptions,
  ByteTokenizerSpec, BpeTokenizerSpec, GptTokenizerSpec,
} from './tokenizer.js';
export { SPECIAL_TOKEN_TEXT } from './tokenizer.js';
export { byteTokenizer, BYTE_SPECIAL_IDS, BYTE_VOCAB_SIZE } from './byte-tokenizer.js';
export { bpeTokenizer } from './bpe-tokenizer.js';
export { gptTokenizer } from './gpt-tokenizers.js';
export { loadTokenizer, TOKENIZER_KINDS } from './load-tokenizer.js';
