// The byte-level tokenizer, the default for small models: ids 0..255 are the UTF-8 bytes of the text,
// then BOS = 256, EOS = 257, PAD = 258, MASK = 259, so V = 260. Lossless for every string.
import { SPECIAL_TOKEN_TEXT, checkIdsInRange, type SpecialTokenIds, type Tokenizer } from './tokenizer.js';

/** The byte tokenizer's special ids (fixed; documented in README.md). */
export const BYTE_SPECIAL_IDS: SpecialTokenIds = { bos: 256, eos: 257, pad: 258, mask: 259 };

/** Vocabulary size of the byte tokenizer: 256 bytes + 4 specials. */
export const BYTE_VOCAB_SIZE = 260;

const utf8Encoder = new TextEncoder();

/** The byte-level tokenizer (V = 260). */
export function byteTokenizer(): Tokenizer {
  const special = BYTE_SPECIAL_IDS;
  const names = new Map<number, string>(
    (Object.keys(special) as (keyof SpecialTokenIds)[]).map((k) => [special[k], SPECIAL_TOKEN_TEXT[k]]),
  );
  return {
    kind: 'byte',
    vocabSize: BYTE_VOCAB_SIZE,
    special,
    maskId: special.mask,
    padId: special.pad,
    encode: (text) => Array.from(utf8Encoder.encode(text)),
    decode: (ids, options = {}) => {
      checkIdsInRange(ids, BYTE_VOCAB_SIZE);
      // A fresh decoder per call: replacement characters for malformed bytes, no state carried over.
      const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
      let out = '';
      let run: number[] = [];
      const flush = (): void => {
        if (run.length > 0) out += decoder.decode(Uint8Array.from(run));
        run = [];
      };
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        if (id < 256) { run.push(id); continue; }
        flush();
        if (!options.skipSpecial) out += names.get(id)!;
      }
      flush();
      return out;
    },
    toSpec: () => ({ kind: 'byte' }),
  };
}
