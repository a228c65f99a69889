import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_TASKS, readTask } from './task-file.js';

const dir = mkdtempSync(join(tmpdir(), 'difflm-tasks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, lines: unknown[]): string => {
  const p = join(dir, name);
  writeFileSync(p, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return p;
};

describe('task files', () => {
  it('reads difflm rows and the ARC, PIQA and HellaSwag layouts with lm-eval prompts', () => {
    expect(readTask(file('own.jsonl', [{ context: 'a', choices: ['b', 'c'], gold: 1 }])).items).toEqual([{ context: 'a', choices: ['b', 'c'], gold: 1 }]);
    const arc = readTask(file('arc.jsonl', [{ question: 'Why?', choices: { text: ['x', 'y', 'z'], label: ['A', 'B', 'C'] }, answerKey: 'C' }]));
    expect(arc).toMatchObject({ name: 'arc', layout: 'arc', items: [{ context: 'Question: Why?\nAnswer:', choices: [' x', ' y', ' z'], gold: 2 }] });
    expect(readTask(file('piqa.jsonl', [{ goal: 'g', sol1: 's', sol2: 't', label: 1 }])).items[0]).toEqual({ context: 'Question: g\nAnswer:', choices: [' s', ' t'], gold: 1 });
    expect(readTask(file('hs.jsonl', [{ ctx: 'c', endings: ['e', 'f'], label: '0' }])).items[0]).toEqual({ context: 'c', choices: [' e', ' f'], gold: 0 });
    // lm-eval's HellaSwag prompt: the activity label, ctx_a and a capitalised ctx_b, the WikiHow markup removed.
    expect(readTask(file('hs2.jsonl', [{ activity_label: 'Baking', ctx_a: 'A man [title] mixes.', ctx_b: 'then HE bakes', ctx: 'x', endings: ['a [step] cake', 'b'], label: 1 }])).items[0])
      .toEqual({ context: 'Baking: A man. mixes. Then he bakes', choices: [' a cake', ' b'], gold: 1 });
  });

  it('refuses a bad row in one line naming the file, the line and the fix', () => {
    const cases: [unknown[], RegExp][] = [
      [['{"context": "a", "choices": ["b"], "gold": 0}'], /line 1: choices must be a list of at least 2 strings/],
      [[{ context: 'a', choices: ['b', 'c'], gold: 2 }], /line 1: gold must be the index of one of the 2 choices/],
      [[{ context: 'a', choices: ['b', 'c'], gold: 0 }, 'not json'], /line 2 is not JSON/],
      [[{ text: 'a' }], /line 1 has none of the known layouts/],
      [[{ context: 'a', choices: ['b', 'c'], gold: 0 }, { goal: 'g', sol1: 's', sol2: 't', label: 0 }], /line 2 is a piqa row in a difflm file/],
      [[{ question: 'q', choices: { text: ['x', 'y'], label: ['A', 'B'] }, answerKey: 'E' }], /answerKey "E" is not one of the labels/],
      [[], /holds no items/],
      [[{ ctx: 'c', endings: ['e', 'f'], label: '' }], /label is empty \(the test split has no answers\)/],
    ];
    cases.forEach(([lines, re], i) => {
      const p = file(`bad-${i}.jsonl`, lines);
      let message = '';
      try { readTask(p); } catch (e) { message = (e as Error).message; }
      expect(message, String(i)).toMatch(re);
      expect(message, String(i)).toContain(p);
      expect(message.includes('\n'), String(i)).toBe(false);
    });
    expect(() => readTask(join(dir, 'missing.jsonl'))).toThrow(/no such file; give a JSONL task file or a built-in task \(cloze\)/);
  });

  it('the built-in cloze task is shipped: 300 items of 4 choices of 16 bytes after a 40-byte context', () => {
    const t = readTask('cloze');
    expect(t.path).toBe(BUILTIN_TASKS.cloze);
    expect(t.items).toHaveLength(300);
    for (const it of t.items) {
      expect(it.context).toHaveLength(40);
      expect(it.choices.map((c) => c.length)).toEqual([16, 16, 16, 16]);
      expect(new Set(it.choices).size).toBe(4);
    }
    // The right answer sits at every position, not always the same one.
    expect(new Set(t.items.map((it) => it.gold)).size).toBe(4);
  });
});
