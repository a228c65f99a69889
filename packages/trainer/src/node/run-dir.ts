// Files of a run directory (README.md, "Run directory"): config.json, metrics.jsonl, eval.jsonl,
// summary.json and checkpoints/step-<n>.ckpt. Whole files are written atomically (temp file, fsync,
// rename) so a run killed at any moment leaves either the old or the new file, never half of one.
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RunPaths {
  readonly root: string;
  readonly config: string;
  readonly metrics: string;
  readonly eval: string;
  readonly summary: string;
  readonly checkpoints: string;
}

export function runPaths(root: string): RunPaths {
  return {
    root,
    config: join(root, 'config.json'),
    metrics: join(root, 'metrics.jsonl'),
    eval: join(root, 'eval.jsonl'),
    summary: join(root, 'summary.json'),
    checkpoints: join(root, 'checkpoints'),
  };
}

export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function appendJsonl(path: string, record: object): void {
  appendFileSync(path, `${JSON.stringify(record)}\n`);
}

/** Keep the complete lines whose `step` ≤ maxStep (drops a half-written last line), atomically. */
export function truncateJsonl(path: string, maxStep: number): void {
  if (!existsSync(path)) return;
  const kept: string[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as { step?: number };
      if (typeof r.step === 'number' && r.step <= maxStep) kept.push(line);
    } catch {
      // a line cut by a kill: everything after the last checkpoint is rewritten anyway
    }
  }
  writeFileAtomic(path, kept.length ? `${kept.join('\n')}\n` : '');
}

export function readJsonl<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T);
}

export function checkpointPath(paths: RunPaths, step: number): string {
  return join(paths.checkpoints, `step-${String(step).padStart(8, '0')}.ckpt`);
}

/** Checkpoints on disk, oldest first. Leftover temp files from a killed write are removed. */
export function listCheckpoints(paths: RunPaths): { step: number; path: string }[] {
  if (!existsSync(paths.checkpoints)) return [];
  const out: { step: number; path: string }[] = [];
  for (const f of readdirSync(paths.checkpoints)) {
    if (f.includes('.tmp-')) { rmSync(join(paths.checkpoints, f), { force: true }); continue; }
    const m = /^step-(\d+)\.ckpt$/.exec(f);
    if (m) out.push({ step: Number(m[1]), path: join(paths.checkpoints, f) });
  }
  return out.sort((a, b) => a.step - b.step);
}
