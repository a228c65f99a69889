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
    if (!takeLock(lock)) {
      // Someone else is preparing it. A lock whose owner process has died (kill -9) is taken over at once; one
      // without an owner file (left by an older difflm, which wrote the owner after taking the lock) after 30 s;
      // any lock after 10 minutes.
      const owner = lockOwner(lock);
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      const dead = owner ? owner.host === hostname() && !processAlive(owner.pid) : age > 30_000;
      if (dead || age > 600_000) { rmSync(lock, { recursive: true, force: true }); continue; }
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
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/**
 * Take the preparation lock with its owner already inside: the owner file is written into a private directory
 * that is then renamed onto the lock's name, which fails while another owner holds it. A kill at any point leaves
 * either no lock or a lock that names its (dead) owner, never an anonymous one that waiters must age out. Private
 * directories of writers killed before the rename are removed here.
 */
function takeLock(lock: string): boolean {
  const parent = dirname(lock);
  const prefix = `${basename(lock)}.take-`;
  for (const name of readdirSync(parent)) {
    const pid = name.startsWith(prefix) ? Number(name.slice(prefix.length).split('-')[0]) : NaN;
    if (Number.isInteger(pid) && pid !== process.pid && !processAlive(pid)) rmSync(join(parent, name), { recursive: true, force: true });
  }
  const mine = join(parent, `${prefix}${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(mine);
  try {
    writeFileSync(join(mine, 'owner'), JSON.stringify({ pid: process.pid, host: hostname() }));
    if (existsSync(lock)) throw new Error('held');
    renameSync(mine, lock); // onto an existing lock: ENOTEMPTY (or EEXIST); the existsSync above keeps it off an empty one
    return true;
  } catch {
    rmSync(mine, { recursive: true, force: true });
    return false;
  }
}

function removeDeadLock(lock: string): void {
  const owner = lockOwner(lock);
  if (owner && owner.host === hostname() && !processAlive(owner.pid)) rmSync(lock, { recursive: true, force: true });
}

function lockOwner(lock: string): { pid: number; host: string } | null {
  try {
    const o = JSON.parse(readFileSync(join(lock, 'owner'), 'utf8')) as { pid?: unknown; host?: unknown };
    return typeof o.pid === 'number' && typeof o.host === 'string' ? { pid: o.pid, host: o.host } : null;
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
