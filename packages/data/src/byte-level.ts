// GPT-2's byte-level alphabet: each of the 256 bytes maps to one printable unicode character, so BPE
// merges operate on strings while staying lossless for arbitrary bytes (as in Hugging Face ByteLevel).

/** bytes → characters, the bytes_to_unicode table of GPT-2. */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const keep: number[] = [];
  for (let b = 33; b <= 126; b++) keep.push(b);
  for (let b = 161; b <= 172; b++) keep.push(b);
  for (let b = 174; b <= 255; b++) keep.push(b);
  const table: string[] = new Array<string>(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = keep.includes(b) ? String.fromCodePoint(b) : String.fromCodePoint(256 + extra++);
  }
  return table;
})();

/** characters → bytes, the inverse of BYTE_TO_CHAR. */
export const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));

/**
 * The pre-tokenizer of Hugging Face's ByteLevel(use_regex = true): contractions, letter runs, digit runs
 * and punctuation runs each with an optional leading space, then whitespace.
 */
export const BYTE_LEVEL_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

const utf8 = new TextEncoder();

/** The byte-level characters of one pre-token. */
export function toByteChars(piece: string): string[] {
  return Array.from(utf8.encode(piece), (b) => BYTE_TO_CHAR[b]!);
}
