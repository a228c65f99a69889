// The recipe of the shipped cloze task (tasks/cloze-sotu.jsonl): which of four continuations follows a context,
// cut from held-out text. Each item: a context of `contextBytes` that ends inside a word (two or more of its letters
// given), the next `continuationBytes` as the right choice, and three spans of the same length cut inside words
// elsewhere in the held-out text (other documents where there are several). Cut between words, the choices all read
// as plausible text and the tiny models of a CPU study score at chance (measured: 25–29% on 300 items); cut inside
// a word, the right choice must finish the word the context began, which a byte-level model that uses its context
// can tell. Positions come from a seeded generator, so the recipe rebuilds the same file from the same text.
import { createRng } from '@difflm/noise';
import type { TaskItem } from './task-file.js';

export interface ClozeOptions {
  readonly items: number;
  readonly contextBytes: number;
  readonly continuationBytes: number;
  readonly seed: number;
}

export const CLOZE_DEFAULTS: ClozeOptions = { items: 300, contextBytes: 40, continuationBytes: 16, seed: 2026 };

const letter = (c: string | undefined): boolean => c !== undefined && /[A-Za-z]/.test(c);

/** Cuts inside words (two letters before, a letter after) far enough from both ends of a document. */
function cutsInsideWords(doc: string, before: number, after: number): number[] {
  const out: number[] = [];
  for (let i = Math.max(2, before); i + after <= doc.length; i++) if (letter(doc[i - 2]) && letter(doc[i - 1]) && letter(doc[i])) out.push(i);
  return out;
}

/** Build cloze items from held-out documents (ASCII text: one byte per character, as the byte tokenizer sees it). */
export function buildClozeItems(documents: readonly string[], o: ClozeOptions = CLOZE_DEFAULTS): TaskItem[] {
  const docs = documents.map((d) => d.replace(/\s+/g, ' ').replace(/[^\x20-\x7e]/g, '')).filter((d) => d.length > o.contextBytes + 2 * o.continuationBytes);
  if (docs.length === 0) throw new Error('cloze: no document is long enough');
  const starts = docs.map((d) => cutsInsideWords(d, o.contextBytes, o.continuationBytes));
  const anywhere = starts.flatMap((s, d) => s.map((i) => [d, i] as const));
  const rng = createRng(o.seed);
  const items: TaskItem[] = [];
  const used = new Set<string>();
  while (items.length < o.items) {
    const [d, i] = anywhere[rng.int(anywhere.length)]!;
    if (used.has(`${d}:${i}`)) continue;
    const doc = docs[d]!;
    const truth = doc.slice(i, i + o.continuationBytes);
    const distractors: string[] = [];
    while (distractors.length < 3) {
      const [d2, j] = anywhere[rng.int(anywhere.length)]!;
      if (docs.length > 1 && d2 === d) continue;
      const span = docs[d2]!.slice(j, j + o.continuationBytes);
      if (span !== truth && !distractors.includes(span)) distractors.push(span);
    }
    used.add(`${d}:${i}`);
    const gold = rng.int(4);
    const choices = [...distractors];
    choices.splice(gold, 0, truth);
    items.push({ context: doc.slice(i - o.contextBytes, i), choices, gold });
  }
  return items;
}
