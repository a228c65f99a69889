// What `difflm train`, `eval` and `sample` load at run time, not only what the dependency rules read from the source:
// the built CLI runs with a module-resolution hook that records every module it resolves. None of them may reach
// SQLite, BullMQ/Redis or the study package; `difflm study` does (the check can fail).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from './fixtures.js';

const bin = join(dirname(createRequire(import.meta.url).resolve('@difflm/cli/package.json')), 'dist', 'bin.js');
const STORE_OR_QUEUE = /better-sqlite3|bullmq|ioredis|packages\/study\/|@difflm\/study/;

let tmp: string;
let hookUrl: string;

beforeAll(() => {
  if (!existsSync(bin)) throw new Error(`${bin} is not built: run the build first (pnpm test builds it)`);
  tmp = tempDir('difflm-imports-');
  // Resolution hooks run off the main thread: they append each resolved URL to a log file.
  const hooks = join(tmp, 'hooks.mjs');
  writeFileSync(hooks, `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(process.env.DIFFLM_IMPORT_LOG, r.url + '\\n');
  return r;
}\n`);
  const register = join(tmp, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  hookUrl = pathToFileURL(register).href;
});
afterAll(removeTempDirs);

function loadedBy(args: string[]): { code: number | null; modules: string[]; ms: number } {
  const log = join(tmp, `imports-${args[0]}-${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(log, '');
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--import', hookUrl, bin, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, DIFFLM_IMPORT_LOG: log }, cwd: tmp });
  return { code: r.status, modules: readFileSync(log, 'utf8').split('\n').filter(Boolean), ms: Date.now() - t0 };
}

describe('modules the CLI loads', () => {
  it('train --help, a 1-step train, eval and sample load no SQLite, BullMQ, Redis or study code; study does', () => {
    const runDir = join(tmp, 'run');
    const help = loadedBy(['train', '--help']);
    expect(help.code).toBe(0);
    const train = loadedBy(['train', '--steps', '1', '--batch', '2', '--seq-len', '16', '--run-dir', runDir, '--json']);
    expect(train.code).toBe(0);
    expect(train.modules.some((m) => m.includes('@difflm/compose') || m.includes('packages/compose/'))).toBe(true);
    const ev = loadedBy(['eval', '--run-dir', runDir, '--batches', '1', '--json']);
    expect(ev.code).toBe(0);
    const sample = loadedBy(['sample', '--run-dir', runDir, '--num-samples', '1', '--length', '8', '--json']);
    expect(sample.code).toBe(0);
    for (const [what, r] of Object.entries({ help, train, eval: ev, sample })) {
      expect({ what, offending: r.modules.filter((m) => STORE_OR_QUEUE.test(m)) }).toEqual({ what, offending: [] });
    }
    // The check sees them where they are loaded.
    const study = loadedBy(['study', '--preset', 'quick', '--dry-run', '--json']);
    expect(study.code).toBe(0);
    expect(study.modules.some((m) => /better-sqlite3|packages\/study\//.test(m))).toBe(true);
  }, 240_000);
});
