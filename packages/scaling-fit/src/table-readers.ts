// Readers for run tables: CSV (RFC 4180 quoting) and JSONL, from strings (callers read the files), and a
// column mapping onto ScalingRun. Rows sharing an `id` become one run whose rows form its loss curve.
import type { ScalingRun } from './runs.js';

/** A parsed row: column name → raw value (CSV gives strings; JSONL may give numbers or arrays). */
export type TableRecord = Record<string, unknown>;

/** Parse CSV text with a header row. Handles quoted fields, doubled quotes and CRLF. */
export function parseCsv(text: string): TableRecord[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field); field = '';
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
    } else field += ch;
  }
  if (quoted) throw new Error('CSV: unterminated quoted field; check the quotes in the file');
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  const header = rows.shift();
  if (!header) throw new Error('CSV: the text is empty; expected a header row and data rows');
  return rows.map((r, i) => {
    if (r.length !== header.length) throw new Error(`CSV: row ${i + 2} has ${r.length} fields but the header has ${header.length}`);
    return Object.fromEntries(header.map((h, j) => [h.trim(), r[j]]));
  });
}

/** Parse JSON Lines: one object per non-empty line. */
export function parseJsonl(text: string): TableRecord[] {
  const out: TableRecord[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let v: unknown;
    try { v = JSON.parse(line); } catch (e) { throw new Error(`JSONL: line ${i + 1} is not valid JSON (${(e as Error).message})`); }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`JSONL: line ${i + 1} must be a JSON object`);
    out.push(v as TableRecord);
  });
  return out;
}

/** Which column holds which field. Unmapped fields are omitted (derived later where possible). */
export interface ColumnMapping {
  id?: string;
  group?: string;
  params?: string;
  flopsPerToken?: string;
  tokens?: string;
  compute?: string;
  loss?: string;
  batchSize?: string;
  learningRate?: string;
  /** JSONL: a column holding an array of tokens for the loss curve (with `curveLoss`). */
  curveTokens?: string;
  curveLoss?: string;
}

/** Default mapping: the ScalingRun field names themselves. */
export const DEFAULT_COLUMNS: Required<Omit<ColumnMapping, 'curveTokens' | 'curveLoss'>> & Pick<ColumnMapping, 'curveTokens' | 'curveLoss'> = {
  id: 'id', group: 'group', params: 'params', flopsPerToken: 'flopsPerToken', tokens: 'tokens', compute: 'compute',
  loss: 'loss', batchSize: 'batchSize', learningRate: 'learningRate', curveTokens: 'curveTokens', curveLoss: 'curveLoss',
};

function num(rec: TableRecord, col: string | undefined, row: number): number | undefined {
  if (col === undefined || !(col in rec)) return undefined;
  const v = rec[col];
  if (v === '' || v === null || v === undefined) return undefined;
  const x = typeof v === 'number' ? v : Number(v);
  if (Number.isNaN(x)) throw new Error(`row ${row + 1}: column "${col}" must be numeric, got ${JSON.stringify(v)}`);
  return x;
}

function numArray(rec: TableRecord, col: string | undefined, row: number): number[] | undefined {
  if (col === undefined || !(col in rec)) return undefined;
  const v = rec[col];
  if (!Array.isArray(v)) throw new Error(`row ${row + 1}: column "${col}" must be an array of numbers`);
  return v.map(Number);
}

/**
 * Map records to runs. With an `id` column, rows sharing an id are one run: their (tokens, loss) rows form the
 * loss curve and the last row gives the final values. Mapped columns missing from every record throw.
 */
export function runsFromRecords(records: readonly TableRecord[], mapping: ColumnMapping = DEFAULT_COLUMNS): ScalingRun[] {
  if (records.length === 0) throw new Error('the table has no rows');
  const explicit = mapping !== DEFAULT_COLUMNS;
  if (explicit) {
    for (const [field, col] of Object.entries(mapping)) {
      if (col !== undefined && !records.some((r) => col in r)) throw new Error(`column "${col}" (mapped to ${field}) is not in the table; columns are: ${Object.keys(records[0]!).join(', ')}`);
    }
  }
  const single = (rec: TableRecord, i: number): ScalingRun => {
    const run: ScalingRun = {};
    const id = mapping.id !== undefined && rec[mapping.id] !== undefined ? String(rec[mapping.id]) : undefined;
    if (id !== undefined) run.id = id;
    if (mapping.group !== undefined && rec[mapping.group] !== undefined && rec[mapping.group] !== '') run.group = String(rec[mapping.group]);
    for (const f of ['params', 'flopsPerToken', 'tokens', 'compute', 'loss', 'batchSize', 'learningRate'] as const) {
      const v = num(rec, mapping[f], i);
      if (v !== undefined) run[f] = v;
    }
    const ct = numArray(rec, mapping.curveTokens, i), cl = numArray(rec, mapping.curveLoss, i);
    if (ct && cl) run.curve = { tokens: ct, loss: cl };
    return run;
  };
  const runs = records.map(single);
  if (mapping.id === undefined || !records.some((r) => mapping.id! in r)) return runs;
  // Long format: group rows by id into curves.
  const byId = new Map<string, ScalingRun[]>();
  runs.forEach((r, i) => {
    const key = r.id ?? `row-${i}`;
    byId.set(key, [...(byId.get(key) ?? []), r]);
  });
  return [...byId.values()].map((rows) => {
    if (rows.length === 1) return rows[0]!;
    const withTokens = rows.filter((r) => r.tokens !== undefined && r.loss !== undefined).sort((a, b) => a.tokens! - b.tokens!);
    const last = withTokens.at(-1) ?? rows.at(-1)!;
    const { compute: _drop, ...final } = last;
    return { ...final, curve: { tokens: withTokens.map((r) => r.tokens!), loss: withTokens.map((r) => r.loss!) } };
  });
}
