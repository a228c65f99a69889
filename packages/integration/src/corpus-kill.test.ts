// Kill -9 corpus preparation at each of its file-system events (a shard written, the temporary directory complete,
// the directory placed, the lock taken) and prepare again: the cache ends byte-identical to an uninterrupted
// preparation, with no lock, temporary or partial directory left, and the next preparer never waits out a lock.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@difflm/test-utils';
import { removeTempDirs, tempDir } from './fixtures.js';

const prepare = (corpus: string, cacheDir: string, faultAt?: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }> =>
  new Promise((resolve) => {
    const t0 = Date.now();
    const env: NodeJS.ProcessEnv = { ...process.env, DIFFLM_CACHE_DIR: cacheDir };
    delete env.DIFFLM_FAULT_KILL_AT;
    if (faultAt) env.DIFFLM_FAULT_KILL_AT = faultAt;
    const p = spawn(process.execPath, ['--conditions=@difflm/source', '--import', 'tsx', join(REPO_ROOT, 'packages/integration/src/prepare-child.ts'), corpus], { cwd: REPO_ROOT, env });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    p.on('exit', (code, signal) => resolve({ code, signal, stdout: stdout.trim(), stderr, ms: Date.now() - t0 }));
  });

/** Every file of a shard directory, name → bytes (hex digest would do; the files are small). */
const contents = (dir: string): Record<string, string> =>
  Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));

describe('kill -9 during corpus preparation', () => {
  afterAll(removeTempDirs);

  it('a kill at each event of the preparation loses nothing: preparing again gives the same shards and leaves no debris', async () => {
    const root = tempDir('difflm-corpus-kill-');
    // A directory corpus of 60 small documents: quick to tokenise, one train and one validation shard.
    const corpus = join(root, 'corpus');
    mkdirSync(corpus);
    for (let i = 0; i < 60; i++) writeFileSync(join(corpus, `doc-${String(i).padStart(2, '0')}.txt`), `Document ${i}. ${'the quick brown fox jumps over the lazy dog '.repeat(5 + (i % 7))}\n`);
    const reference = await prepare(corpus, join(root, 'reference-cache'));
    expect(reference.code, reference.stderr).toBe(0);
    const want = contents(reference.stdout);
    expect(Object.keys(want)).toEqual(expect.arrayContaining(['metadata.json', 'train-00000.bin', 'validation-00000.bin']));

    // DIFFLM_FAULT_KILL_AT (data fault-injection.ts): "<event>:<name>:<n>".
    const points = ['lock:.lock:1', 'shard:train-:1', 'shard:validation-:1', 'partial:-byte:1', 'placed:-byte:1'];
    for (const at of points) {
      const cache = join(root, at.replace(/[^\w]+/g, '-'));
      const killed = await prepare(corpus, cache, at);
      expect(killed.signal, `${at}: ${killed.stderr}`).toBe('SIGKILL');
      const again = await prepare(corpus, cache);
      expect(again.code, `${at}: ${again.stderr}`).toBe(0);
      // A dead owner's lock is taken over at once: no 30-second wait for an anonymous lock.
      expect(again.ms, `${at}: ${again.stderr}`).toBeLessThan(20_000);
      expect(again.stderr, at).not.toMatch(/waiting for/);
      expect(contents(again.stdout), at).toEqual(want);
      const dataDir = join(cache, 'data');
      expect(readdirSync(dataDir), at).toEqual([again.stdout.slice(dataDir.length + 1)]);
    }
  }, 240_000);
});
