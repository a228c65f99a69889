// The shared corpus cache: keyed by the corpus's content (an edited corpus is prepared again), and a lock or a
// half-written directory left by a killed preparer is cleaned up by the next one instead of blocking it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openShards } from '@difflm/data';
import { breakLock, corpusFingerprint, dataCacheDir, lockOwner, preparedDataDir, releaseLock, takeLock } from './prepared-data.js';

/** A pid that certainly belongs to no live process: a child that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('preparedDataDir', () => {
  let tmp: string;
  let saved: string | undefined;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'difflm-prep-'));
    saved = process.env.DIFFLM_CACHE_DIR;
    process.env.DIFFLM_CACHE_DIR = join(tmp, 'cache');
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.DIFFLM_CACHE_DIR; else process.env.DIFFLM_CACHE_DIR = saved;
    rmSync(tmp, { recursive: true, force: true });
  });

  const docs = (n: number): string => Array.from({ length: n }, (_, i) => `document number ${i} ${'lorem ipsum dolor '.repeat(20)}`).join('\n\n');

  it('prepares an edited corpus again instead of reusing the old shards', async () => {
    const corpus = join(tmp, 'docs.txt');
    writeFileSync(corpus, docs(282));
    const first = await preparedDataDir({ corpus, tokenizer: 'byte' });
    const before = openShards(first).metadata;
    writeFileSync(corpus, docs(30));
    const second = await preparedDataDir({ corpus, tokenizer: 'byte' });
    expect(second).not.toBe(first);
    const after = openShards(second).metadata;
    expect(JSON.stringify(after)).not.toBe(JSON.stringify(before));
    // Unchanged content: the same directory, not prepared again.
    expect(await preparedDataDir({ corpus, tokenizer: 'byte' })).toBe(second);
    expect(corpusFingerprint(corpus)).toBe(corpusFingerprint(corpus));
  });

  it('takes over at once a lock whose owner was killed, and removes the dead owner\'s partial directory', async () => {
    const corpus = join(tmp, 'other.txt');
    writeFileSync(corpus, docs(40));
    const dir = join(dataCacheDir(), `other.txt-${corpusFingerprint(corpus)}-byte`);
    const pid = deadPid();
    mkdirSync(`${dir}.lock`, { recursive: true });
    writeFileSync(join(`${dir}.lock`, 'owner'), JSON.stringify({ pid, host: (await import('node:os')).hostname() }));
    const partial = join(dataCacheDir(), `.${dir.split('/').pop()}.partial-${pid}-x-y`);
    mkdirSync(partial);
    writeFileSync(join(partial, 'shard-000.bin'), Buffer.alloc(1024));
    const t0 = Date.now();
    const got = await preparedDataDir({ corpus, tokenizer: 'byte' });
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(got).toBe(dir);
    expect(existsSync(`${dir}.lock`)).toBe(false);
    expect(existsSync(partial)).toBe(false);
    expect(readdirSync(dataCacheDir()).filter((n) => n.includes('.partial-'))).toEqual([]);
  });

  it('a waiter that saw a dead owner does not remove the lock another waiter has taken since', async () => {
    // Two waiters both see the lock of a killed owner. The first breaks it and takes the lock; the second, acting on
    // what it saw, must not remove that live lock (it did: both then prepared, and one moved the other's shards).
    const lock = join(tmp, 'race.lock');
    const host = (await import('node:os')).hostname();
    mkdirSync(lock);
    writeFileSync(join(lock, 'owner'), JSON.stringify({ pid: deadPid(), host, token: 'dead' }));
    const seen = lockOwner(lock);
    expect(seen?.token).toBe('dead');
    breakLock(lock, seen); // the first waiter
    const mine = takeLock(lock);
    expect(mine).not.toBeNull();
    breakLock(lock, seen); // the second, late
    expect(lockOwner(lock)?.token).toBe(mine);
    expect(readdirSync(tmp).filter((n) => n.startsWith('race.lock.'))).toEqual([]);
    // Releasing removes only one's own lock.
    releaseLock(lock, 'someone-else');
    expect(existsSync(lock)).toBe(true);
    releaseLock(lock, mine!);
    expect(existsSync(lock)).toBe(false);
  });

  it('removes a dead waiter\'s private or set-aside directory only when it ran on this machine', async () => {
    const lock = join(tmp, 'hosts.lock');
    const host = (await import('node:os')).hostname();
    const pid = deadPid();
    const here = `${lock}.take-${pid}-aa`, elsewhere = `${lock}.take-${pid}-bb`;
    for (const [dir, h] of [[here, host], [elsewhere, 'another-machine']] as const) {
      mkdirSync(dir);
      writeFileSync(join(dir, 'owner'), JSON.stringify({ pid, host: h, token: dir.slice(-2) }));
    }
    const asideHere = `${lock}.broken-${host}-${pid}-cc`, asideElsewhere = `${lock}.broken-another-machine-${pid}-dd`;
    for (const dir of [asideHere, asideElsewhere]) mkdirSync(dir);
    const token = takeLock(lock);
    expect(token).not.toBeNull();
    expect(existsSync(here)).toBe(false);
    expect(existsSync(elsewhere)).toBe(true); // that pid may be alive on its own machine
    expect(existsSync(asideHere)).toBe(false); // a broken lock its killed breaker left aside
    expect(existsSync(asideElsewhere)).toBe(true);
    rmSync(asideElsewhere, { recursive: true, force: true });
    releaseLock(lock, token!);
    rmSync(elsewhere, { recursive: true, force: true });
  });

  it('names a missing corpus in one line', async () => {
    await expect(preparedDataDir({ corpus: join(tmp, 'nope.txt'), tokenizer: 'byte' })).rejects.toThrow(/data\.corpus: .*nope\.txt does not exist/);
  });
});
