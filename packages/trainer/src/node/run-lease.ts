// Exclusive ownership of a run directory while it trains: `owner.json` holds the owner (host, pid, a random token)
// and a lease that the owner renews as it goes. A second trainer (another worker given the same job after the first
// one's queue lock expired, or a user's second `train --resume`) may take the directory over only once the lease has
// run out or its owner is a dead process on this host; an owner that finds another token in `owner.json` (it was
// stalled, say SIGSTOPped, long enough to lose the lease) stops before writing anything more.
//
// The owner checks the file before each write, so a stalled owner cannot write through after losing it; what remains
// is the gap between one check and the write that follows it (microseconds, inside one step).
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { processAlive, writeFileAtomic } from './run-dir.js';

/** The lease file's name inside a run directory. */
export const OWNER_FILE = 'owner.json';

/** How the error of an owner that lost its directory begins (a worker tells it from a failure by this). */
export const RUN_DIRECTORY_LOST = 'lost the run directory';

/** Default lease: a stalled owner loses the directory after this long without renewing. */
export const DEFAULT_LEASE_MS = 60_000;

interface OwnerRecord { token: string; host: string; pid: number; until: number }

export interface RunLease {
  /** Throws when another process owns the directory now; renews the lease when half of it has passed. */
  check(): void;
  /** Gives the directory up (removes owner.json when it is still ours). */
  release(): void;
}

function readOwner(path: string): OwnerRecord | null {
  if (!existsSync(path)) return null;
  try {
    const r = JSON.parse(readFileSync(path, 'utf8')) as Partial<OwnerRecord>;
    if (typeof r.token === 'string' && typeof r.host === 'string' && Number.isInteger(r.pid) && typeof r.until === 'number') return r as OwnerRecord;
  } catch {
    // a damaged lease file protects nothing: treat it as absent
  }
  return null;
}

const describe = (r: OwnerRecord): string => `${r.host}:${r.pid}`;

/**
 * Take the run directory `root` (which must exist) for this process, or throw naming its owner. `leaseMs` is how
 * long the directory stays ours without a check; the DIFFLM_RUN_LEASE_MS environment variable sets the default.
 */
export function acquireRunLease(root: string, options: { leaseMs?: number; now?: () => number } = {}): RunLease {
  const path = join(root, OWNER_FILE);
  const now = options.now ?? Date.now;
  const fromEnv = Number(process.env.DIFFLM_RUN_LEASE_MS);
  const leaseMs = options.leaseMs ?? (Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_LEASE_MS);
  const me = { token: randomUUID(), host: hostname(), pid: process.pid };
  const current = readOwner(path);
  if (current && current.until > now() && !(current.host === me.host && (current.pid === me.pid || !processAlive(current.pid)))) {
    throw new Error(`${root} is being trained by ${describe(current)} (its lease runs until ${new Date(current.until).toISOString()}): wait for that process to finish or stop it, then resume`);
  }
  let until = 0;
  const write = (): void => {
    until = now() + leaseMs;
    writeFileAtomic(path, `${JSON.stringify({ ...me, until })}\n`);
  };
  const lost = (by: OwnerRecord | null): Error => new Error(`${RUN_DIRECTORY_LOST} ${root}${by ? ` to ${describe(by)}` : ''}: another process took it over while this one was stalled past its lease; stopping without writing more (the other process carries the run on)`);
  write();
  // Two processes taking an expired lease at once: the last rename wins, and the other one sees it here.
  const after = readOwner(path);
  if (after?.token !== me.token) throw lost(after);
  let lostTo: OwnerRecord | null | undefined;
  const renew = (): void => {
    if (lostTo !== undefined) return;
    const owner = readOwner(path);
    if (owner?.token !== me.token) { lostTo = owner; return; }
    write();
    // Retaken after a stall that outlived the lease: confirm nobody took it in the meantime.
    const confirmed = readOwner(path);
    if (confirmed?.token !== me.token) lostTo = confirmed;
  };
  // Renewed while the event loop runs (long evaluations, checkpoints), not only between steps; a stopped process
  // renews nothing, and loses the directory once the lease runs out and another process takes it.
  const timer = setInterval(() => { if (now() > until - leaseMs / 2) renew(); }, Math.max(50, Math.floor(leaseMs / 4)));
  timer.unref();
  return {
    check() {
      if (lostTo === undefined && (now() > until - leaseMs / 2 || readOwner(path)?.token !== me.token)) renew();
      if (lostTo !== undefined) {
        clearInterval(timer);
        throw lost(lostTo);
      }
    },
    release() {
      clearInterval(timer);
      if (readOwner(path)?.token === me.token) rmSync(path, { force: true });
    },
  };
}
