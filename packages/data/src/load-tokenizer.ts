// Rebuild a tokenizer from its JSON spec (what shard metadata and checkpoints store).
import { bpeTokenizer } from './bpe-tokenizer.js';
import { byteTokenizer } from './byte-tokenizer.js';
import { gptTokenizer } from './gpt-tokenizers.js';
import type { Tokenizer, TokenizerKind, TokenizerSpec } from './tokenizer.js';

const loaders: { readonly [K in TokenizerKind]: (spec: Extract<TokenizerSpec, { kind: K }>) => Tokenizer | Promise<Tokenizer> } = {
  byte: () => byteTokenizer(),
  bpe: (spec) => bpeTokenizer(spec),
  gpt2: (spec) => gptTokenizer(spec),
  cl100k: (spec) => gptTokenizer(spec),
};

/** The tokenizer kinds difflm knows. */
export const TOKENIZER_KINDS = Object.keys(loaders) as TokenizerKind[];

/** Rebuild the tokenizer a spec describes; throws for an unknown kind. */
export async function loadTokenizer(spec: TokenizerSpec): Promise<Tokenizer> {
  const kind = (spec as { kind?: unknown } | null)?.kind;
  const load = typeof kind === 'string' && Object.hasOwn(loaders, kind) ? (loaders[kind as TokenizerKind] as (s: TokenizerSpec) => Tokenizer | Promise<Tokenizer>) : undefined;
  if (!load) throw new Error(`tokenizer: unknown kind ${JSON.stringify(kind)}; expected one of ${TOKENIZER_KINDS.join(', ')}`);
  return load(spec);
}
