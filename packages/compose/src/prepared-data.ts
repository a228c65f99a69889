// Token shards for a study's runs: an explicit prepared directory (`difflm data prepare`), or the
// corpus ("sotu" = the embedded one, or a path) tokenised once into the shared cache
// ($DIFFLM_CACHE_DIR or ~/.cache/difflm/data, the same place `difflm train` uses). Run processes on
// one machine prepare it once: the first takes a lock directory, the others wait for it.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { createTokenizer, faultPoint, openCorpus, prepareShards, processAlive } from '@difflm/data';

export interface StudyData {
  readonly corpus: string;
  readonly tokenizer: string;
  /** A prepared shard directory; when set, corpus and tokenizer are not used. */
  readonly dir?: string;
}

export function dataCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DIFFLM_CACHE_DIR ?? join(homedir(), '.cache', 'difflm'), 'data');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Milliseconds since `path` was last modified (0 when it is gone). */
const ageMs = (path: string): number => Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());

/** The shard directory for a run's data, preparing it (once per machine) when needed. */
export async function preparedDataDir(data: StudyData): Promise<string> {
  if (data.dir) {
    if (!existsSync(join(data.dir, 'metadata.json'))) throw new Error(`data.dir ${data.dir} holds no prepared shards (no metadata.json); prepare it with \`difflm data prepare\``);
    return resolve(data.dir);
  }
  if (data.tokenizer !== 'byte') {
    throw new Error(`data.tokenizer "${data.tokenizer}": the study runner tokenises corpora with the byte tokenizer only; prepare shards with \`difflm data prepare --tokenizer ${data.tokenizer}\` and set data.dir`);
  }
  const key = data.corpus === 'sotu' ? 'sotu' : `${basename(data.corpus).replace(/[^\w.-]/g, '_')}-${corpusFingerprint(data.corpus)}`;
  const dir = join(dataCacheDir(), `${key}-byte`);
  const lock = `${dir}.lock`;
  let waitingSaid = false;
  for (;;) {
    if (existsSync(join(dir, 'metadata.json'))) {
      removeDeadLock(lock); // its owner was killed after placing the shards, before letting go
      return dir;
    }
    mkdirSync(dataCacheDir(), { recursive: true });
    const token = takeLock(lock);
    if (token === null) {
      // Someone else is preparing it. A lock whose owner process has died (kill -9) is taken over at once; one
      // without an owner file (left by an older difflm, which wrote the owner after taking the lock) after 30 s;
      // any lock after 10 minutes.
      const owner = lockOwner(lock);
      const age = ageMs(lock);
      const dead = owner ? owner.host === hostname() && !processAlive(owner.pid) : age > 30_000;
      if (dead || age > 600_000) { breakLock(lock, owner); continue; }
      if (!waitingSaid && age > 2_000) {
        waitingSaid = true;
        process.stderr.write(`waiting for process ${owner?.pid ?? '?'} to finish preparing ${data.corpus} into ${dir}\n`);
      }
      await sleep(200);
      continue;
    }
    faultPoint('lock', lock);
    try {
      if (!existsSync(join(dir, 'metadata.json'))) {
        const corpus = openCorpus(data.corpus);
        await prepareShards({ corpus, tokenizer: await createTokenizer('byte'), outDir: dir, overwrite: true });
      }
      return dir;
    } finally {
      releaseLock(lock, token);
    }
  }
}

/**
 * Take the preparation lock with its owner already inside: the owner file is written into a private directory
 * that is then renamed onto the lock's name, which fails while another owner holds it. A kill at any point leaves
 * either no lock or a lock that names its (dead) owner, never an anonymous one that waiters must age out. Private
 * directories of writers killed before the rename are removed here. Returns the lock's token (for releaseLock), or
 * null while another owner holds it.
 */
export function takeLock(lock: string): string | null {
  const parent = dirname(lock);
  const prefix = `${basename(lock)}.take-`;
  for (const name of readdirSync(parent)) {
    // A lock a waiter moved aside (`.broken-<host>-<pid>-<hex>`) and was killed before removing or restoring.
    const aside = name.startsWith(`${basename(lock)}.broken-`) ? /^(.*)-(\d+)-[0-9a-f]+$/.exec(name.slice(`${basename(lock)}.broken-`.length)) : null;
    if (aside) {
      const pid = Number(aside[2]);
      if (aside[1] === hostname() && pid !== process.pid && !processAlive(pid)) rmSync(join(parent, name), { recursive: true, force: true });
      continue;
    }
    if (!name.startsWith(prefix)) continue;
    // Another waiter's private directory: removed only when its owner file names a dead process on this machine (a
    // cache shared between machines holds other hosts' pids), or when it never got an owner file in a minute.
    const path = join(parent, name);
    const owner = lockOwner(path);
    const dead = owner ? owner.host === hostname() && owner.pid !== process.pid && !processAlive(owner.pid) : ageMs(path) > 60_000;
    if (dead) rmSync(path, { recursive: true, force: true });
  }
  const token = randomBytes(8).toString('hex');
  const mine = join(parent, `${prefix}${process.pid}-${token}`);
  mkdirSync(mine);
  try {
    writeFileSync(join(mine, 'owner'), JSON.stringify({ pid: process.pid, host: hostname(), token }));
    if (existsSync(lock)) throw new Error('held');
    renameSync(mine, lock); // onto an existing lock: ENOTEMPTY (or EEXIST); the existsSync above keeps it off an empty one
    return token;
  } catch {
    rmSync(mine, { recursive: true, force: true });
    return null;
  }
}

export interface LockOwner { readonly pid: number; readonly host: string; readonly token: string | null }

/**
 * Remove `lock` if it is still the one whose owner was `seen` (dead, or too old), not a lock another waiter has taken
 * since: it is moved aside first (one waiter's rename wins), its owner compared with what was seen, and then removed,
 * or put back when it turns out to be a newer owner's. Acting on what was seen with a plain remove let a late waiter
 * delete the lock of the waiter that had just broken the dead one, and both prepared.
 */
export function breakLock(lock: string, seen: LockOwner | null): void {
  const aside = `${lock}.broken-${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lock, aside);
  } catch {
    return; // gone already: another waiter broke it
  }
  const found = lockOwner(aside);
  const same = seen === null ? found === null : found !== null && found.pid === seen.pid && found.host === seen.host && found.token === seen.token;
  if (!same) {
    try {
      renameSync(aside, lock); // a newer owner's lock: put it back
      return;
    } catch {
      // A third waiter took the name in the moment it was aside; that newer owner goes on without its lock directory
      // (releaseLock removes only its own), and at worst the shards are prepared twice, each write atomic.
    }
  }
  rmSync(aside, { recursive: true, force: true });
}

/** Remove `lock` only if it is still the one taken with `token`. */
export function releaseLock(lock: string, token: string): void {
  if (lockOwner(lock)?.token === token) rmSync(lock, { recursive: true, force: true });
}

function removeDeadLock(lock: string): void {
  const owner = lockOwner(lock);
  if (owner && owner.host === hostname() && !processAlive(owner.pid)) breakLock(lock, owner);
}

export function lockOwner(lock: string): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(join(lock, 'owner'), 'utf8')) as { pid?: unknown; host?: unknown; token?: unknown };
    return typeof o.pid === 'number' && typeof o.host === 'string' ? { pid: o.pid, host: o.host, token: typeof o.token === 'string' ? o.token : null } : null;
  } catch {
    return null;
  }
}

/**
 * What the cache key of a corpus path is made of: its resolved path and its content (every file's relative path,
 * size and bytes, in sorted order), so an edited corpus is prepared again instead of reusing the old shards.
 */
export function corpusFingerprint(corpus: string): string {
  const root = resolve(corpus);
  if (!existsSync(root)) throw new Error(`data.corpus: ${corpus} does not exist; give a text/JSONL file or a directory of them`);
  const h = createHash('sha256').update(root).update('\0');
  const files: string[] = [];
  const walk = (p: string): void => {
    const st = statSync(p);
    if (st.isDirectory()) for (const name of readdirSync(p).sort()) walk(join(p, name));
    else if (st.isFile()) files.push(p);
  };
  walk(root);
  for (const f of files) {
    const bytes = readFileSync(f);
    h.update(relative(root, f)).update('\0').update(String(bytes.length)).update('\0').update(bytes);
  }
  return h.digest('hex').slice(0, 16);
}
