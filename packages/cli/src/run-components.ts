// How the CLI composes a training run: noise plug-ins loaded by module name, then the same composition
// root the study runs use (@difflm/study's studyRunComponents: models + data + noise).
import { createNoiseRegistry } from '@difflm/noise';
import { preparedDataDir, studyRunComponents } from '@difflm/study';
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
  return studyRunComponents(createNoiseRegistry([...(options.plugins ?? [])]));
}

/**
 * Prepare `corpus` ("sotu" = the embedded corpus, or a text/JSONL file or directory) with the byte
 * tokenizer into the shared cache ($DIFFLM_CACHE_DIR or ~/.cache/difflm), once; returns the shard directory.
 */
export async function preparedCorpusDir(corpus: string, onStatus?: (line: string) => void): Promise<string> {
  onStatus?.(`using ${corpus === 'sotu' ? 'the embedded corpus' : corpus} (byte tokenizer), prepared once into the cache`);
  return preparedDataDir({ corpus, tokenizer: 'byte' });
}
