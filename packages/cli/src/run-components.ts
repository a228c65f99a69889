// The composition root of a training run: @difflm/models builds the model, @difflm/data streams the
// prepared shards, @difflm/noise builds the objective (with any noise plug-ins). The trainer itself
// depends on none of these; `difflm train|eval|sample` and the integration tests wire them here.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { createTokenizer, openCorpus, openShards, prepareShards } from '@difflm/data';
import { createTransformer, type ModelConfigInput } from '@difflm/models';
import { createNoiseRegistry, createObjective, type NoiseObjective } from '@difflm/noise';
import type { RunComponents } from '@difflm/trainer/node';

/** Load noise plug-ins by module name (each default-exports a NoisePlugin; checked by shape). */
export async function loadPlugins(names: readonly string[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const name of names) {
    try {
      out.push(await import(name));
    } catch (e) {
      throw new Error(`--plugins: cannot load module '${name}' (${(e as Error).message}); install it next to difflm or pass a path`);
    }
  }
  return out;
}

export function defaultRunComponents(options: { plugins?: readonly unknown[] } = {}): RunComponents {
  const registry = createNoiseRegistry([...(options.plugins ?? [])]);
  return {
    createModel: (model, { seed }) => createTransformer(model as unknown as ModelConfigInput, { seed }),
    openData({ dir }) {
      if (!existsSync(dir)) throw new Error(`data directory ${dir} does not exist: prepare it with \`difflm data prepare --corpus <path> --out ${dir}\`, or omit --data to train on the embedded corpus`);
      const shards = openShards(dir);
      const meta = shards.metadata;
      return {
        tokens: { vocabSize: meta.vocabSize, maskId: meta.special.mask, padId: meta.special.pad },
        bytesPerToken: meta.splits.validation.bytesPerToken,
        batches: ({ split, batchSize, seqLen, seed }) => shards.createBatchSource({ split, batchSize, seqLen, seed, shuffle: split === 'train' }),
      };
    },
    createNoiseObjective: (spec, tokens, objectiveOptions) => createObjective(spec, tokens, objectiveOptions, registry),
    logSnrDensity: (objective) => {
      const schedule = (objective as Partial<NoiseObjective>).schedule;
      return schedule ? (logSnr: number) => schedule.density(logSnr) : undefined;
    },
  };
}

/** Where prepared corpora are cached: $DIFFLM_CACHE_DIR or ~/.cache/difflm. */
export function cacheDir(): string {
  return process.env.DIFFLM_CACHE_DIR ?? join(homedir(), '.cache', 'difflm');
}

/**
 * Prepare `corpus` ("sotu" = the embedded corpus, or a text/JSONL file or directory) with the byte
 * tokenizer into the cache, once; returns the shard directory.
 */
export async function preparedCorpusDir(corpus: string, onStatus?: (line: string) => void): Promise<string> {
  const key = corpus === 'sotu' ? 'sotu' : `${basename(corpus).replace(/[^\w.-]/g, '_')}-${createHash('sha256').update(resolve(corpus)).digest('hex').slice(0, 12)}`;
  const dir = join(cacheDir(), 'data', `${key}-byte`);
  if (existsSync(join(dir, 'metadata.json'))) return dir;
  const source = openCorpus(corpus); // throws for a missing path, before anything is written
  onStatus?.(`preparing ${corpus === 'sotu' ? 'the embedded corpus' : corpus} (byte tokenizer) into ${dir}`);
  await prepareShards({ corpus: source, tokenizer: await createTokenizer('byte'), outDir: dir });
  return dir;
}
