// Build a directory under a temporary sibling name and rename it into place only when complete, so an
// interrupted or failed writer leaves either nothing or the previous complete directory behind.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { faultPoint } from './fault-injection.js';

export interface AtomicDirectoryOptions {
  /** Replace an existing non-empty directory. Default false (an error). */
  readonly overwrite?: boolean;
}

/** Throws unless `outDir` can be written (absent, empty, or overwrite). Call before any slow work. */
export function checkOutputDirectory(outDir: string, options: AtomicDirectoryOptions = {}): string {
  if (typeof outDir !== 'string' || outDir.length === 0) throw new Error('outDir: an output directory is required (--out <dir>)');
  const abs = resolve(outDir);
  if (existsSync(abs)) {
    if (!statSync(abs).isDirectory()) throw new Error(`outDir: ${abs} exists and is not a directory`);
    if (readdirSync(abs).length > 0 && !options.overwrite) {
      throw new Error(`outDir: ${abs} already exists and is not empty; choose another --out or pass --force (option overwrite)`);
    }
  }
  return abs;
}

/** Whether process `pid` on this machine is alive (EPERM: alive, owned by someone else). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove the temporary siblings (`.<name>.partial-<pid>-…`, `.<name>.old-<pid>-…`) that writers killed before they
 * finished left behind; those of live writers stay. Returns the names removed.
 */
export function removeDeadPartials(outDir: string): string[] {
  const abs = resolve(outDir);
  const parent = dirname(abs);
  if (!existsSync(parent)) return [];
  const prefix = `.${basename(abs)}.`;
  const removed: string[] = [];
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(?:partial|old)-(\d+)-/.exec(name.slice(prefix.length));
    if (!m || processAlive(Number(m[1]))) continue;
    rmSync(join(parent, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** Run `build` on a fresh temporary directory and move it to `outDir` once `build` resolves. */
export async function writeDirectoryAtomically<T>(outDir: string, options: AtomicDirectoryOptions, build: (tmpDir: string) => Promise<T>): Promise<T> {
  const abs = checkOutputDirectory(outDir, options);
  const tag = `${process.pid}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;
  const tmp = join(dirname(abs), `.${basename(abs)}.partial-${tag}`);
  removeDeadPartials(abs);
  await mkdir(dirname(abs), { recursive: true });
  await mkdir(tmp);
  try {
    const result = await build(tmp);
    faultPoint('partial', abs);
    if (existsSync(abs)) {
      const old = join(dirname(abs), `.${basename(abs)}.old-${tag}`);
      await rename(abs, old);
      await rename(tmp, abs);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, abs);
    }
    faultPoint('placed', abs);
    return result;
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
