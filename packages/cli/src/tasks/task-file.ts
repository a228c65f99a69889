// Multiple-choice task files for `difflm eval --task`: JSONL, one item per line, in difflm's own shape
// {"context": "…", "choices": ["…", …], "gold": 0} or in the layout of a known dataset (ARC, PIQA, HellaSwag as
// their Hugging Face JSONL exports have them), which an adapter turns into the same shape with lm-eval's prompts.
// `cloze` names the task this package ships (tasks/cloze-sotu.jsonl, built by scripts/build-cloze.ts).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface TaskItem {
  readonly context: string;
  readonly choices: readonly string[];
  readonly gold: number;
}

export interface Task {
  readonly name: string;
  readonly path: string;
  /** The layout the file was read as: difflm, arc, piqa or hellaswag. */
  readonly layout: string;
  readonly items: readonly TaskItem[];
}

/** This package's folder (holding package.json), from its source or its bundle alike. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** The tasks shipped with the package, by name. */
export const BUILTIN_TASKS: Readonly<Record<string, string>> = {
  cloze: join(packageRoot(), 'tasks', 'cloze-sotu.jsonl'),
};

type Row = Record<string, unknown>;
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.length >= 2 && v.every((s) => typeof s === 'string');

/** Each adapter: whether a row is in its layout, and the item it makes of it (or a reason it cannot). */
const layouts: { name: string; matches: (r: Row) => boolean; item: (r: Row) => TaskItem | string }[] = [
  {
    name: 'difflm', matches: (r) => 'context' in r && 'choices' in r,
    item: (r) => (typeof r.context !== 'string' ? 'context must be a string'
      : !isStrings(r.choices) ? 'choices must be a list of at least 2 strings'
        : !Number.isInteger(r.gold) || (r.gold as number) < 0 || (r.gold as number) >= r.choices.length ? `gold must be the index of one of the ${r.choices.length} choices`
          : { context: r.context, choices: r.choices, gold: r.gold as number }),
  },
  {
    // ARC (allenai/ai2_arc): question, choices {text, label}, answerKey; lm-eval's prompt.
    name: 'arc', matches: (r) => 'question' in r && 'answerKey' in r,
    item: (r) => {
      const c = r.choices as { text?: unknown; label?: unknown } | undefined;
      if (typeof r.question !== 'string' || !c || !isStrings(c.text) || !Array.isArray(c.label)) return 'question must be a string and choices {text, label} lists';
      const gold = (c.label as unknown[]).indexOf(r.answerKey);
      if (gold < 0) return `answerKey ${JSON.stringify(r.answerKey)} is not one of the labels`;
      return { context: `Question: ${r.question}\nAnswer:`, choices: c.text.map((t) => ` ${t}`), gold };
    },
  },
  {
    // PIQA: goal, sol1, sol2, label.
    name: 'piqa', matches: (r) => 'goal' in r && 'sol1' in r,
    item: (r) => (typeof r.goal !== 'string' || typeof r.sol1 !== 'string' || typeof r.sol2 !== 'string' || (r.label !== 0 && r.label !== 1) ? 'goal, sol1, sol2 must be strings and label 0 or 1'
      : { context: `Question: ${r.goal}\nAnswer:`, choices: [` ${r.sol1}`, ` ${r.sol2}`], gold: r.label as number }),
  },
  {
    // HellaSwag: activity_label, ctx_a, ctx_b (or ctx), endings, label (a number or its string; empty in the test
    // split, which has no answers); lm-eval's preprocessing of the WikiHow markup.
    name: 'hellaswag', matches: (r) => 'ctx' in r && 'endings' in r,
    item: (r) => {
      if (r.label === '' || r.label === null || r.label === undefined) return 'label is empty (the test split has no answers): use the validation split';
      const gold = Number(r.label);
      if (typeof r.ctx !== 'string' || !isStrings(r.endings) || !Number.isInteger(gold) || gold < 0 || gold >= r.endings.length) return 'ctx must be a string, endings a list of strings and label the index of one';
      const clean = (t: string): string => t.trim().replace(/ \[title\]/g, '. ').replace(/\[.*?\]/g, '').replace(/ {2}/g, ' ');
      const ctx = typeof r.ctx_a === 'string' && typeof r.ctx_b === 'string' ? `${r.ctx_a} ${r.ctx_b.charAt(0).toUpperCase()}${r.ctx_b.slice(1).toLowerCase()}` : r.ctx;
      const query = clean(typeof r.activity_label === 'string' ? `${r.activity_label}: ${ctx}` : ctx);
      return { context: query, choices: r.endings.map((e) => ` ${clean(e)}`), gold };
    },
  },
];

const FIX = 'each line must be {"context", "choices", "gold"} or an ARC, PIQA or HellaSwag row';

/** Read a task by built-in name or path; every problem is one line naming the file and line. */
export function readTask(nameOrPath: string): Task {
  const path = BUILTIN_TASKS[nameOrPath] ?? nameOrPath;
  if (!existsSync(path)) throw new Error(`--task ${nameOrPath}: no such file; give a JSONL task file or a built-in task (${Object.keys(BUILTIN_TASKS).join(', ')})`);
  const items: TaskItem[] = [];
  let layout: string | undefined;
  readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const at = `${path} line ${i + 1}`;
    let row: unknown;
    try { row = JSON.parse(line); } catch { throw new Error(`${at} is not JSON; ${FIX}`); }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new Error(`${at} is not a JSON object; ${FIX}`);
    const a = layouts.find((l) => l.matches(row as Row));
    if (!a) throw new Error(`${at} has none of the known layouts; ${FIX}`);
    if (layout && a.name !== layout) throw new Error(`${at} is a ${a.name} row in a ${layout} file; one layout per file`);
    layout = a.name;
    const item = a.item(row as Row);
    if (typeof item === 'string') throw new Error(`${at}: ${item}`);
    items.push(item);
  });
  if (items.length === 0) throw new Error(`${path} holds no items; ${FIX}`);
  const name = BUILTIN_TASKS[nameOrPath] ? nameOrPath : path.split('/').pop()!.replace(/\.jsonl?$/, '');
  return { name, path, layout: layout!, items };
}
