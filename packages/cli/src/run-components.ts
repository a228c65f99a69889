// How the CLI composes a training run: noise plug-ins loaded by module name, then the composition root that
// study run processes and queue workers use too (@difflm/compose).
import { existsSync } from 'node:fs';
import { loadPlugins, loadRecordedPlugins, preparedDataDir, runComponentsWith } from '@difflm/compose';
import { pluginNames, readStoredConfig } from './shared-args.js';
import type { RunComponents } from '@difflm/trainer/node';

export { loadPlugins, pluginSpecifier } from '@difflm/compose';

export function defaultRunComponents(options: { plugins?: readonly unknown[] } = {}): RunComponents {
  return runComponentsWith([...(options.plugins ?? [])]);
}

/**
 * The plug-ins to open a run directory with: those named by --plugins, or else the ones the run recorded in its
 * config.json (so `difflm eval`/`sample` rebuild a plug-in run from the run directory alone).
 */
export async function runDirPlugins(runDir: string, flag: string | undefined): Promise<unknown[]> {
  const named = pluginNames(flag);
  return named.length ? loadPlugins(named) : loadRecordedPlugins(readStoredConfig(runDir));
}

/**
 * Prepare `corpus` ("sotu" = the embedded corpus, or a text/JSONL file or directory) with the byte
 * tokenizer into the shared cache ($DIFFLM_CACHE_DIR or ~/.cache/difflm), once; returns the shard directory.
 */
export async function preparedCorpusDir(corpus: string, onStatus?: (line: string) => void): Promise<string> {
  if (corpus !== 'sotu' && !existsSync(corpus)) throw new Error(`--corpus: ${corpus} does not exist; give a text/JSONL file or a directory of them (or omit --corpus for the embedded corpus)`);
  onStatus?.(`using ${corpus === 'sotu' ? 'the embedded corpus' : corpus} (byte tokenizer), prepared once into the cache`);
  return preparedDataDir({ corpus, tokenizer: 'byte' });
}
