// Token shards for a study's runs: an explicit prepared directory (`difflm data prepare`), or the
// corpus ("sotu" = the embedded one, or a path) tokenised once into the shared cache
// ($DIFFLM_CACHE_DIR or ~/.cache/difflm/data, the same place `difflm train` uses). Run processes on
// one machine prepare it once: the first takes a lock directory, the others wait for it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { createTokenizer, openCorpus, prepareShards } from '@difflm/data';

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
  const key = data.corpus === 'sotu' ? 'sotu' : `${basename(data.corpus).replace(/[^\w.-]/g, '_')}-${createHash('sha256').update(resolve(data.corpus)).digest('hex').slice(0, 12)}`;
  const dir = join(dataCacheDir(), `${key}-byte`);
  const lock = `${dir}.lock`;
  for (;;) {
    if (existsSync(join(dir, 'metadata.json'))) return dir;
    mkdirSync(dataCacheDir(), { recursive: true });
    try {
      mkdirSync(lock);
    } catch {
      // Someone else is preparing it; a lock older than 10 minutes is from a dead process.
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 600_000) rmSync(lock, { recursive: true, force: true });
      await sleep(200);
      continue;
    }
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
