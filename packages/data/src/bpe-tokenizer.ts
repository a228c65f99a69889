// A byte-level BPE tokenizer read from a Hugging Face tokenizer.json (as written by trainBpeTokenizer).
// Encoding and decoding are pure TypeScript (synchronous, no native code at load time); a test checks
// that they agree with the `tokenizers` package on real text.
import { BYTE_LEVEL_SPLIT, CHAR_TO_BYTE, toByteChars } from './byte-level.js';
import {
  SPECIAL_TOKEN_TEXT, checkIdsInRange, checkSpecialIds,
  type BpeTokenizerSpec, type HfTokenizerJson, type SpecialTokenIds, type Tokenizer,
} from './tokenizer.js';

const WORD_CACHE_LIMIT = 200_000;

function readSpecialIds(json: HfTokenizerJson): SpecialTokenIds {
  const byContent = new Map(json.added_tokens.map((t) => [t.content, t.id]));
  const find = (k: keyof SpecialTokenIds): number => {
    const id = byContent.get(SPECIAL_TOKEN_TEXT[k]);
    if (id === undefined) throw new Error(`bpe tokenizer: added_tokens lacks the special token ${SPECIAL_TOKEN_TEXT[k]}; train it with trainBpeTokenizer`);
    return id;
  };
  return { bos: find('bos'), eos: find('eos'), pad: find('pad'), mask: find('mask') };
}

function readMerges(json: HfTokenizerJson): [string, string][] {
  return json.model.merges.map((m: unknown, i) => {
    const pair = typeof m === 'string' ? m.split(' ') : m;
    if (!Array.isArray(pair) || pair.length !== 2) throw new Error(`bpe tokenizer: model.merges[${i}] is not a pair`);
    return [String(pair[0]), String(pair[1])];
  });
}

/** Rebuild a BPE tokenizer from its spec. */
export function bpeTokenizer(spec: BpeTokenizerSpec): Tokenizer {
  const json = spec.tokenizerJson;
  if (json?.model?.type !== 'BPE' || typeof json.model.vocab !== 'object') {
    throw new Error('bpe tokenizer: tokenizerJson.model must be a Hugging Face BPE model with a vocab');
  }
  const vocab = new Map(Object.entries(json.model.vocab));
  const special = readSpecialIds(json);
  const idToToken: string[] = [];
  for (const [token, id] of vocab) idToToken[id] = token;
  const specialText = new Map<number, string>();
  for (const k of Object.keys(special) as (keyof SpecialTokenIds)[]) specialText.set(special[k], SPECIAL_TOKEN_TEXT[k]);
  const vocabSize = Math.max(idToToken.length, ...[...specialText.keys()].map((id) => id + 1));
  checkSpecialIds(special, vocabSize);
  const ranks = new Map<string, number>();
  readMerges(json).forEach(([a, b], rank) => ranks.set(`${a} ${b}`, rank));
  const cache = new Map<string, number[]>();

  const encodeWord = (piece: string): number[] => {
    const hit = cache.get(piece);
    if (hit) return hit;
    let symbols = toByteChars(piece);
    while (symbols.length > 1) {
      let best = -1, bestRank = Infinity;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const r = ranks.get(`${symbols[i]} ${symbols[i + 1]}`);
        if (r !== undefined && r < bestRank) { bestRank = r; best = i; }
      }
      if (best < 0) break;
      const a = symbols[best]!, b = symbols[best + 1]!;
      const merged: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) { merged.push(a + b); i++; }
        else merged.push(symbols[i]!);
      }
      symbols = merged;
    }
    const ids = symbols.map((s) => {
      const id = vocab.get(s);
      if (id === undefined) throw new Error(`bpe tokenizer: symbol ${JSON.stringify(s)} is missing from model.vocab (the vocab must hold all 256 byte-level characters)`);
      return id;
    });
    if (cache.size >= WORD_CACHE_LIMIT) cache.clear();
    cache.set(piece, ids);
    return ids;
  };

  return {
    kind: 'bpe',
    vocabSize,
    special,
    maskId: special.mask,
    padId: special.pad,
    encode: (text) => {
      const out: number[] = [];
      for (const m of text.matchAll(BYTE_LEVEL_SPLIT)) for (const id of encodeWord(m[0])) out.push(id);
      return out;
    },
    decode: (ids, options = {}) => {
      checkIdsInRange(ids, vocabSize);
      const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
      let out = '';
      let bytes: number[] = [];
      const flush = (): void => { if (bytes.length) out += decoder.decode(Uint8Array.from(bytes)); bytes = []; };
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        const name = specialText.get(id);
        if (name !== undefined) { flush(); if (!options.skipSpecial) out += name; continue; }
        const token = idToToken[id];
        if (token === undefined) throw new Error(`decode: token id ${id} has no entry in model.vocab`);
        for (const ch of token) bytes.push(CHAR_TO_BYTE.get(ch) ?? 0x3f);
      }
      flush();
      return out;
    },
    toSpec: () => spec,
  };
}
