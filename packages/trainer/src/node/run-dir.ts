// Files of a run directory (README.md, "Run directory"): config.json, metrics.jsonl, eval.jsonl,
// summary.json and checkpoints/step-<n>.ckpt. Whole files are written atomically (temp file, fsync,
// rename) so a run killed at any moment leaves either the old or the new file, never half of one.
import { closeSync, existsSync, fsyncSync, lstatSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RunPaths {
  readonly root: string;
  readonly config: string;
  readonly metrics: string;
  readonly eval: string;
  /** Cooldown branches (eval.branches): one line per branch, keyed by the trunk step it left from. */
  readonly branches: string;
  readonly summary: string;
  /** One line per training session: the step it started from and what it ran on (RunTrainingOptions.environment). */
  readonly environment: string;
  readonly checkpoints: string;
}

export function runPaths(root: string): RunPaths {
  return {
    root,
    config: join(root, 'config.json'),
    metrics: join(root, 'metrics.jsonl'),
    eval: join(root, 'eval.jsonl'),
    branches: join(root, 'branches.jsonl'),
    summary: join(root, 'summary.json'),
    environment: join(root, 'environment.jsonl'),
    checkpoints: join(root, 'checkpoints'),
  };
}

/**
 * Fault injection for the kill tests (packages/integration, kill-at-events.test.ts): DIFFLM_FAULT_KILL_AT =
 * "<event>:<file>:<n>" kills this process with SIGKILL at the n-th <event> on a file whose name contains <file>.
 * Events: `temp` (a whole-file write's temp file written and fsynced, not yet renamed), `rename` (just renamed into
 * place), `append-half` (half of a JSONL line appended). Unset, each point costs one comparison.
 */
const fault = (() => {
  const m = /^(temp|rename|append-half):([^:]+):(\d+)$/.exec(process.env.DIFFLM_FAULT_KILL_AT ?? '');
  return m ? { event: m[1]!, file: m[2]!, n: Number(m[3]), seen: 0 } : null;
})();
function faultPoint(event: string, path: string): boolean {
  if (!fault || fault.event !== event || !path.slice(path.lastIndexOf('/') + 1).includes(fault.file)) return false;
  return ++fault.seen === fault.n;
}
const die = (): never => { process.kill(process.pid, 'SIGKILL'); throw new Error('unreachable'); };

export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (faultPoint('temp', path)) die();
  renameSync(tmp, path);
  if (faultPoint('rename', path)) die();
}

export function appendJsonl(path: string, record: object): void {
  const line = `${JSON.stringify(record)}\n`;
  if (faultPoint('append-half', path)) {
    appendFileSync(path, line.slice(0, Math.floor(line.length / 2)));
    die();
  }
  appendFileSync(path, line);
}

/** Keep the complete lines whose `step` ≤ maxStep (drops a half-written last line), atomically. */
export function truncateJsonl(path: string, maxStep: number, uniqueSteps = false): void {
  if (!existsSync(path)) return;
  const kept: string[] = [];
  const steps = new Set<number>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as { step?: number };
      // uniqueSteps: one row per step (metrics, evaluations); a repeat of a step is dropped (run-history.ts allows it
      // only when it repeats the row).
      if (typeof r.step === 'number' && r.step <= maxStep && !(uniqueSteps && steps.has(r.step))) { kept.push(line); steps.add(r.step); }
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

/** The JSONL rows that parse as objects; a line cut by a kill or edited into something else is skipped. */
export function readJsonlLenient(path: string): Record<string, unknown>[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').flatMap((l) => {
    if (!l.trim()) return [];
    try {
      const v = JSON.parse(l) as unknown;
      return typeof v === 'object' && v !== null && !Array.isArray(v) ? [v as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
}

export function checkpointPath(paths: RunPaths, step: number): string {
  return join(paths.checkpoints, `step-${String(step).padStart(8, '0')}.ckpt`);
}

/** Checkpoints on disk, oldest first. Reads only: temp files of a write in progress are skipped, never removed. */
export function listCheckpoints(paths: RunPaths): { step: number; path: string }[] {
  if (!existsSync(paths.checkpoints)) return [];
  const out: { step: number; path: string }[] = [];
  for (const f of readdirSync(paths.checkpoints, { withFileTypes: true })) {
    const m = /^step-(\d+)\.ckpt$/.exec(f.name);
    if (!m) continue;
    const path = join(paths.checkpoints, f.name);
    // A checkpoint is a file the trainer wrote; anything else under that name is a damaged run directory.
    if (!f.isFile()) throw new Error(`${path} is not a file (a checkpoint name on a ${f.isDirectory() ? 'directory' : 'non-regular file'}): the run directory is damaged; remove it to resume from the previous checkpoint`);
    const step = Number(m[1]);
    if (!Number.isSafeInteger(step)) throw new Error(`${path}: the step in its name is out of range: the run directory is damaged; remove it to resume from the previous checkpoint`);
    out.push({ step, path });
  }
  return out.sort((a, b) => a.step - b.step);
}

/** Whether a process with this pid exists on this host (EPERM: it exists, owned by someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove the temp files (`<file>.tmp-<pid>`) that writers killed mid-write left in the run root and in
 * checkpoints/. Only the trainer that owns the run calls this (eval and sample only read). A temp file of a live
 * process stays; symlinks are never followed (a symlinked checkpoints/ folder is left alone). Returns what it removed.
 */
export function removeDeadTempFiles(paths: RunPaths): string[] {
  const removed: string[] = [];
  for (const dir of [paths.root, paths.checkpoints]) {
    const st = lstatSync(dir, { throwIfNoEntry: false });
    if (!st || !st.isDirectory()) continue;
    for (const f of readdirSync(dir)) {
      const m = /\.tmp-(\d+)$/.exec(f);
      if (!m || processAlive(Number(m[1]))) continue;
      const p = join(dir, f);
      if (!lstatSync(p).isFile()) continue;
      rmSync(p, { force: true });
      removed.push(p);
    }
  }
  return removed;
}
