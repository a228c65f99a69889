// The results store: one SQLite file per study (better-sqlite3, WAL, prepared statements) holding every
// run's config, status, final metrics and loss curve. A result is recorded at most once per run.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunConfig } from './run-config.js';
import type { CurvePoint, RunResult } from './run-executor.js';

export type RunStatus = 'pending' | 'running' | 'done' | 'failed';

export interface StoredRun {
  readonly id: string;
  readonly study: string;
  readonly status: RunStatus;
  readonly config: RunConfig;
  readonly attempts: number;
  readonly worker: string | null;
  readonly finalLoss: number | null;
  readonly metrics: Record<string, number> | null;
  readonly wallSeconds: number | null;
  readonly error: string | null;
  readonly createdAt: string;
  readonly finishedAt: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  study TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending','running','done','failed')),
  config TEXT NOT NULL,
  noise TEXT NOT NULL,
  model TEXT NOT NULL,
  budget_flops REAL NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  worker TEXT,
  final_loss REAL,
  metrics TEXT,
  wall_seconds REAL,
  error TEXT,
  created_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE TABLE IF NOT EXISTS curves (
  run_id TEXT NOT NULL REFERENCES runs(id),
  step INTEGER NOT NULL,
  tokens REAL NOT NULL,
  loss REAL NOT NULL,
  PRIMARY KEY (run_id, step)
);
CREATE INDEX IF NOT EXISTS runs_study_status ON runs(study, status);
`;

interface Row {
  id: string; study: string; status: RunStatus; config: string; attempts: number; worker: string | null;
  final_loss: number | null; metrics: string | null; wall_seconds: number | null; error: string | null;
  created_at: string; finished_at: string | null;
}

function fromRow(r: Row): StoredRun {
  return {
    id: r.id, study: r.study, status: r.status, config: JSON.parse(r.config) as RunConfig, attempts: r.attempts,
    worker: r.worker, finalLoss: r.final_loss, metrics: r.metrics ? (JSON.parse(r.metrics) as Record<string, number>) : null,
    wallSeconds: r.wall_seconds, error: r.error, createdAt: r.created_at, finishedAt: r.finished_at,
  };
}

export interface ResultsStore {
  /** Insert runs that are not there yet (existing rows, finished or not, are kept). Returns how many were new. */
  addRuns(study: string, runs: readonly { id: string; config: RunConfig }[]): number;
  /** Runs left over as 'running' by a killed coordinator go back to 'pending'. Returns how many. */
  resetRunning(study: string): number;
  /** An execution of the run starts now (on `worker`): status 'running', attempts + 1. */
  markRunning(id: string, worker: string): void;
  /** The run is handed to a queue (status 'pending' until an execution starts, on `worker`); no execution is counted. */
  markQueued(id: string, worker: string): void;
  /** An execution started somewhere (a queue's 'active' event): status 'running', attempts + 1. */
  countAttempt(id: string): void;
  /** The queue says the run was started `n` times in all: attempts become at least n. */
  noteAttempts(id: string, n: number): void;
  /** Record a finished run. Returns false (and changes nothing) when the run was already done. */
  recordResult(id: string, result: RunResult, worker?: string): boolean;
  recordFailure(id: string, error: string, worker?: string): boolean;
  get(id: string): StoredRun | undefined;
  list(filter?: { study?: string; status?: RunStatus }): StoredRun[];
  curve(id: string): CurvePoint[];
  counts(study: string): Record<RunStatus, number>;
  studies(): string[];
  close(): void;
}

/** Open (creating if needed) the SQLite results store at `file` (`:memory:` for tests). */
export function openResultsStore(file: string): ResultsStore {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  const now = () => new Date().toISOString();
  const insert = db.prepare(`INSERT OR IGNORE INTO runs (id, study, status, config, noise, model, budget_flops, created_at)
    VALUES (@id, @study, 'pending', @config, @noise, @model, @budget, @now)`);
  const resetRunning = db.prepare(`UPDATE runs SET status = 'pending', worker = NULL WHERE study = ? AND status = 'running'`);
  const markRunning = db.prepare(`UPDATE runs SET status = 'running', worker = ?, attempts = attempts + 1 WHERE id = ? AND status != 'done'`);
  // Queued is pending: a study on two worker slots shows two runs running, not every run it has queued.
  const markQueued = db.prepare(`UPDATE runs SET status = 'pending', worker = ? WHERE id = ? AND status != 'done'`);
  const countAttempt = db.prepare(`UPDATE runs SET status = 'running', attempts = attempts + 1 WHERE id = ? AND status != 'done'`);
  const noteAttempts = db.prepare(`UPDATE runs SET attempts = MAX(attempts, ?) WHERE id = ?`);
  const finish = db.prepare(`UPDATE runs SET status = 'done', final_loss = @loss, metrics = @metrics, wall_seconds = @wall,
    worker = COALESCE(@worker, worker), error = NULL, finished_at = @now WHERE id = @id AND status != 'done'`);
  const insertPoint = db.prepare(`INSERT OR REPLACE INTO curves (run_id, step, tokens, loss) VALUES (?, ?, ?, ?)`);
  const fail = db.prepare(`UPDATE runs SET status = 'failed', error = @error, worker = COALESCE(@worker, worker), finished_at = @now
    WHERE id = @id AND status != 'done'`);
  const getOne = db.prepare(`SELECT * FROM runs WHERE id = ?`);
  const listAll = db.prepare(`SELECT * FROM runs ORDER BY study, noise, budget_flops, model, id`);
  const listStudy = db.prepare(`SELECT * FROM runs WHERE study = ? ORDER BY noise, budget_flops, model, id`);
  const listStatus = db.prepare(`SELECT * FROM runs WHERE study = ? AND status = ? ORDER BY noise, budget_flops, model, id`);
  const curveOf = db.prepare(`SELECT step, tokens, loss FROM curves WHERE run_id = ? ORDER BY step`);
  const countOf = db.prepare(`SELECT status, COUNT(*) AS n FROM runs WHERE study = ? GROUP BY status`);
  const studyNames = db.prepare(`SELECT DISTINCT study FROM runs ORDER BY study`);

  const addRuns = db.transaction((study: string, runs: readonly { id: string; config: RunConfig }[]) => {
    let added = 0;
    for (const r of runs) {
      added += insert.run({ id: r.id, study, config: JSON.stringify(r.config), noise: r.config.noiseLabel, model: r.config.model.name, budget: r.config.budgetFlops, now: now() }).changes;
    }
    return added;
  });
  const record = db.transaction((id: string, result: RunResult, worker: string | null) => {
    const changed = finish.run({ id, loss: result.finalLoss, metrics: JSON.stringify(result.metrics), wall: result.wallSeconds, worker, now: now() }).changes;
    if (changed === 0) return false;
    for (const p of result.curve) insertPoint.run(id, p.step, p.tokens, p.loss);
    return true;
  });

  return {
    addRuns: (study, runs) => addRuns(study, runs),
    resetRunning: (study) => resetRunning.run(study).changes,
    markRunning: (id, worker) => void markRunning.run(worker, id),
    markQueued: (id, worker) => void markQueued.run(worker, id),
    countAttempt: (id) => void countAttempt.run(id),
    noteAttempts: (id, n) => {
      if (Number.isInteger(n) && n >= 0) noteAttempts.run(n, id);
    },
    recordResult: (id, result, worker) => record(id, result, worker ?? null),
    recordFailure: (id, error, worker) => fail.run({ id, error, worker: worker ?? null, now: now() }).changes > 0,
    get: (id) => {
      const r = getOne.get(id) as Row | undefined;
      return r ? fromRow(r) : undefined;
    },
    list: (filter = {}) => {
      const rows = (filter.study === undefined ? listAll.all() : filter.status === undefined ? listStudy.all(filter.study) : listStatus.all(filter.study, filter.status)) as Row[];
      const out = rows.map(fromRow);
      return filter.study === undefined && filter.status !== undefined ? out.filter((r) => r.status === filter.status) : out;
    },
    curve: (id) => curveOf.all(id) as CurvePoint[],
    counts: (study) => {
      const c: Record<RunStatus, number> = { pending: 0, running: 0, done: 0, failed: 0 };
      for (const r of countOf.all(study) as { status: RunStatus; n: number }[]) c[r.status] = r.n;
      return c;
    },
    studies: () => (studyNames.all() as { study: string }[]).map((r) => r.study),
    close: () => db.close(),
  };
}
