// Shared pieces of the end-to-end tests: the embedded corpus prepared once into a temporary cache,
// and a tiny run config on it.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preparedCorpusDir } from '@difflm/cli';
import { openShards } from '@difflm/data';

const created: string[] = [];

/** A fresh temporary directory, removed by removeTempDirs(). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Remove every directory made by tempDir() in this test file (call in afterAll). */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Prepare the embedded corpus (byte tokenizer) into a fresh temporary cache; returns the shard dir. */
export async function embeddedCorpus(): Promise<{ dir: string; vocabSize: number; unigramNats: number }> {
  process.env.DIFFLM_CACHE_DIR = tempDir('difflm-it-cache-');
  const dir = await preparedCorpusDir('sotu');
  const meta = openShards(dir).metadata;
  return { dir, vocabSize: meta.vocabSize, unigramNats: meta.unigramEntropy.natsPerToken };
}

/** A tiny masked-diffusion run on the shard dir: seconds of CPU. */
/** The system's Chromium for the browser tests (DIFFLM_CHROMIUM first), or undefined. */
export const chromiumPath = (): string | undefined => [process.env.DIFFLM_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => p && existsSync(p));

export function tinyRunConfig(dataDir: string, vocabSize: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: { vocabSize, seqLen: 32, dModel: 32, nLayers: 1, nHeads: 2 },
    objective: { kind: 'diffusion', noise: { id: 'difflm/masked' } },
    schedule: { peakLr: 1, warmupSteps: 10 },
    budget: { steps: 120 },
    batchSize: 4, seqLen: 32,
    data: { dir: dataDir }, seed: 7,
    eval: { batches: 1, levels: 4 },
    checkpointEvery: 10,
    ...over,
  };
}
