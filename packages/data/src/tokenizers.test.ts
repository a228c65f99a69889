import { describe, expect, it } from 'vitest';
import { Tokenizer as HfTokenizer } from 'tokenizers';
import { byteTokenizer } from './byte-tokenizer.js';
import { createTokenizer } from './create-tokenizer.js';
import { loadTokenizer } from './load-tokenizer.js';
import { sotuCorpus } from './sotu-corpus.js';
import type { Tokenizer } from './tokenizer.js';

const SAMPLES = [
  '',
  'Fellow-Citizens of the Senate and House of Representatives:',
  'unicode: héllo wörld, 世界, Ελληνικά, emoji 🎉👩‍👩‍👧, combining é, RTL עברית',
  'tabs\tand\nnewlines\r\n  indented   spaces  ',
  "contractions: it's we've they'll I'd 12345 3.14159 $1,000",
  'text that spells specials: <|mask|> <|endoftext|> <|bos|>',
  'control \u0000\u0001\u007f and a lone surrogate-free string ∑∫√',
];

async function tokenizers(): Promise<Record<string, Tokenizer>> {
  return {
    byte: byteTokenizer(),
    bpe: await createTokenizer('bpe', { corpus: sotuCorpus({ limit: 4 }), vocabSize: 700 }),
    gpt2: await createTokenizer('gpt2'),
    cl100k: await createTokenizer('cl100k'),
  };
}

describe('tokenizers', async () => {
  const all = await tokenizers();

  for (const [name, tok] of Object.entries(all)) {
    describe(name, () => {
      it('round-trips text, unicode included, and never emits specials', () => {
        const specials = new Set(Object.values(tok.special));
        for (const s of SAMPLES) {
          const ids = tok.encode(s);
          expect(ids.every((id) => Number.isInteger(id) && id >= 0 && id < tok.vocabSize && !specials.has(id))).toBe(true);
          expect(tok.decode(ids)).toBe(s);
        }
      });

      it('has four distinct specials inside the vocabulary, rendered or skipped by decode', () => {
        const { bos, eos, pad, mask } = tok.special;
        expect(new Set([bos, eos, pad, mask]).size).toBe(4);
        for (const id of [bos, eos, pad, mask]) expect(id >= 0 && id < tok.vocabSize).toBe(true);
        expect(tok.maskId).toBe(mask);
        expect(tok.padId).toBe(pad);
        const ids = [bos, ...tok.encode('ab'), mask, pad, eos];
        expect(tok.decode(ids)).toBe('<|bos|>ab<|mask|><|pad|><|eos|>');
        expect(tok.decode(ids, { skipSpecial: true })).toBe('ab');
      });

      it('is rebuilt from its JSON spec', async () => {
        const again = await loadTokenizer(JSON.parse(JSON.stringify(tok.toSpec())));
        expect(again.vocabSize).toBe(tok.vocabSize);
        expect(again.special).toEqual(tok.special);
        for (const s of SAMPLES) expect(again.encode(s)).toEqual(tok.encode(s));
      });

      it('rejects ids outside the vocabulary in decode', () => {
        expect(() => tok.decode([tok.vocabSize])).toThrow(/outside the vocabulary/);
        expect(() => tok.decode([-1])).toThrow(/outside the vocabulary/);
      });
    });
  }

  it('byte: ids are the UTF-8 bytes and V = 260', () => {
    expect(all.byte!.vocabSize).toBe(260);
    expect(all.byte!.encode('é€')).toEqual([0xc3, 0xa9, 0xe2, 0x82, 0xac]);
  });

  it('gpt2 and cl100k use the published vocabularies', () => {
    expect(all.gpt2!.encode('hello world')).toEqual([31373, 995]);
    expect(all.gpt2!.special.eos).toBe(50256);
    expect(all.gpt2!.vocabSize).toBe(50260);
    expect(all.cl100k!.encode('hello world')).toEqual([15339, 1917]);
    expect(all.cl100k!.vocabSize).toBeGreaterThan(65536);
  });

  it('bpe: has the requested size, compresses text, and encodes exactly as the tokenizers package does', async () => {
    const bpe = all.bpe!;
    expect(bpe.vocabSize).toBe(700);
    expect(bpe.special).toEqual({ bos: 0, eos: 1, pad: 2, mask: 3 });
    const text = 'The Congress of the United States shall have power to regulate commerce with foreign nations, 1790–2016.';
    expect(bpe.encode(text).length).toBeLessThan(new TextEncoder().encode(text).length / 2);
    const spec = bpe.toSpec();
    if (spec.kind !== 'bpe') throw new Error('expected a bpe spec');
    const hf = HfTokenizer.fromString(JSON.stringify(spec.tokenizerJson));
    for (const s of [text, ...SAMPLES.filter((x) => x.length > 0 && !x.includes('<|'))]) {
      const ref = await hf.encode(s);
      expect(bpe.encode(s)).toEqual(ref.getIds());
    }
  });

  it('rejects unknown tokenizers and a bad BPE vocabulary size', async () => {
    await expect(createTokenizer('sentencepiece')).rejects.toThrow(/unknown tokenizer "sentencepiece"; expected one of byte, bpe, gpt2, cl100k/);
    await expect(loadTokenizer({ kind: 'nope' } as never)).rejects.toThrow(/unknown kind "nope"/);
    await expect(createTokenizer('bpe', { corpus: sotuCorpus({ limit: 1 }), vocabSize: 100 })).rejects.toThrow(/vocabSize must be an integer in \[260, 30000\]/);
    await expect(createTokenizer('byte', { vocabSize: 1000 })).rejects.toThrow(/fixed vocabulary/);
  });
});
