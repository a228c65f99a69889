// A finished run leaves result.json in its run directory (written atomically), so a runner that died
// between the run finishing and the result reaching the store records it on restart instead of
// training the run again.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from './run-executor.js';

export function writeRunResultFile(runDir: string, result: RunResult): void {
  mkdirSync(runDir, { recursive: true });
  const tmp = join(runDir, `result.json.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(result));
  renameSync(tmp, join(runDir, 'result.json'));
}

export function readRunResultFile(runDir: string): RunResult | undefined {
  const file = join(runDir, 'result.json');
  if (!existsSync(file)) return undefined;
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as RunResult;
    return typeof r.finalLoss === 'number' && Array.isArray(r.curve) ? r : undefined;
  } catch {
    return undefined;
  }
}
