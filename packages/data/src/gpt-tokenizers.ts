// OpenAI vocabularies bundled by gpt-tokenizer, with difflm's specials: EOS is the vocabulary's own
// <|endoftext|>; BOS, PAD and MASK are appended after the last id. Loaded lazily (the rank tables are
// megabytes). Text that spells a special token is encoded as ordinary text.
import { SPECIAL_TOKEN_TEXT, checkIdsInRange, checkSpecialIds, type GptTokenizerSpec, type SpecialTokenIds, type Tokenizer } from './tokenizer.js';

interface GptEncodingModule {
  encode(text: string, options?: { allowedSpecial?: Set<string>; disallowedSpecial?: Set<string> }): number[];
  decode(ids: Iterable<number>): string;
}

interface GptVocabulary {
  /** Number of ids the bundled encoding uses (regular + its own specials). */
  readonly baseSize: number;
  readonly endOfText: number;
  load(): Promise<GptEncodingModule>;
}

const vocabularies: Record<GptTokenizerSpec['kind'], GptVocabulary> = {
  // r50k / GPT-2: 50,256 merges + <|endoftext|> = 50256.
  gpt2: { baseSize: 50257, endOfText: 50256, load: () => import('gpt-tokenizer/encoding/r50k_base') },
  // cl100k: regular ids < 100256, specials 100257..100276 (<|endoftext|> = 100257).
  cl100k: { baseSize: 100277, endOfText: 100257, load: () => import('gpt-tokenizer/encoding/cl100k_base') },
};

const NO_SPECIALS = { allowedSpecial: new Set<string>(), disallowedSpecial: new Set<string>() };

/** Rebuild a bundled GPT vocabulary tokenizer (`gpt2`: V = 50260, `cl100k`: V = 100280). */
export async function gptTokenizer(spec: GptTokenizerSpec): Promise<Tokenizer> {
  const vocabulary = vocabularies[spec.kind];
  if (!vocabulary) throw new Error(`gpt tokenizer: unknown vocabulary "${String(spec.kind)}"; expected one of ${Object.keys(vocabularies).join(', ')}`);
  const encoding = await vocabulary.load();
  const base = vocabulary.baseSize;
  const special: SpecialTokenIds = { eos: vocabulary.endOfText, bos: base, pad: base + 1, mask: base + 2 };
  const vocabSize = base + 3;
  checkSpecialIds(special, vocabSize);
  const names = new Map<number, string>((Object.keys(special) as (keyof SpecialTokenIds)[]).map((k) => [special[k], SPECIAL_TOKEN_TEXT[k]]));
  return {
    kind: spec.kind,
    vocabSize,
    special,
    maskId: special.mask,
    padId: special.pad,
    encode: (text) => encoding.encode(text, NO_SPECIALS),
    decode: (ids, options = {}) => {
      checkIdsInRange(ids, vocabSize);
      let out = '';
      let run: number[] = [];
      const flush = (): void => { if (run.length) out += encoding.decode(run); run = []; };
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        const name = names.get(id);
        if (name === undefined) { run.push(id); continue; }
        flush();
        if (!options.skipSpecial) out += name;
      }
      flush();
      return out;
    },
    toSpec: () => ({ kind: spec.kind }),
  };
}
