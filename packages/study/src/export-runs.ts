// `difflm runs export`: every run as CSV (one row per run) or JSONL (one object per run, with its curve).
import type { CurvePoint } from './run-executor.js';
import type { StoredRun } from './results-store.js';

export type ExportFormat = 'csv' | 'jsonl';

const COLUMNS = ['id', 'study', 'status', 'noise', 'model', 'layers', 'width', 'heads', 'params', 'flops_per_token', 'budget_flops', 'tokens', 'compute_flops', 'seq_len', 'batch_sequences', 'steps', 'lr', 'final_loss', 'wall_seconds', 'attempts', 'worker'] as const;

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function flat(r: StoredRun): Record<(typeof COLUMNS)[number], unknown> {
  const c = r.config;
  return {
    id: r.id, study: r.study, status: r.status, noise: c.noiseLabel, model: c.model.name, layers: c.model.layers, width: c.model.width, heads: c.model.heads,
    params: c.params, flops_per_token: c.flopsPerToken, budget_flops: c.budgetFlops, tokens: c.tokens, compute_flops: c.tokens * c.flopsPerToken,
    seq_len: c.seqLen, batch_sequences: c.batchSequences, steps: c.steps, lr: c.lr, final_loss: r.finalLoss, wall_seconds: r.wallSeconds, attempts: r.attempts, worker: r.worker,
  };
}

export function exportRuns(runs: readonly StoredRun[], format: ExportFormat, curveOf: (id: string) => CurvePoint[]): string {
  if (format === 'csv') {
    const lines = [COLUMNS.join(','), ...runs.map((r) => { const f = flat(r); return COLUMNS.map((k) => csvCell(f[k])).join(','); })];
    return `${lines.join('\n')}\n`;
  }
  if (format === 'jsonl') return runs.map((r) => `${JSON.stringify({ ...r, curve: curveOf(r.id) })}\n`).join('');
  throw new Error(`--format must be csv or jsonl, got "${String(format)}"`);
}
