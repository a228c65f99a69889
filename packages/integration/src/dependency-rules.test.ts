// The package boundaries are rules that fail, not only documentation: the repository's dependency-cruiser
// configuration is run on a small tree laid out like the repository, once clean and once with a deliberate violation
// of each boundary the composition root drew (train/eval/sample reaching the study package; a library importing the
// CLI).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from './fixtures.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const depcruise = join(root, 'node_modules', '.bin', 'depcruise');

afterAll(() => removeTempDirs());

/** A tree with the repository's rule file and the given sources (path → code); depcruise's exit code and output. */
function cruise(files: Record<string, string>): { code: number | null; out: string } {
  const dir = tempDir('difflm-deprules-');
  copyFileSync(join(root, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
  writeFileSync(join(dir, 'tsconfig.base.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', allowImportingTsExtensions: true } }));
  for (const [path, code] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), code);
  }
  const r = spawnSync(depcruise, ['packages', '--config', '.dependency-cruiser.cjs'], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const tree = {
  'packages/study/src/index.ts': 'export const study = 1;\n',
  'packages/compose/src/index.ts': 'export const compose = 1;\n',
  'packages/noise/src/index.ts': 'export const noise = 1;\n',
  'packages/cli/src/main.ts': "import { study } from '../../study/src/index.ts';\nexport const main = study;\n",
};

describe('dependency rules', () => {
  it('pass a tree that keeps the boundaries', () => {
    const r = cruise({ ...tree, 'packages/cli/src/commands/train.ts': "import { compose } from '../../../compose/src/index.ts';\nexport const train = compose;\n" });
    expect(r.out).toMatch(/no dependency violations found/);
    expect(r.code).toBe(0);
  });

  it('fail when difflm train reaches the study package', () => {
    const r = cruise({ ...tree, 'packages/cli/src/commands/train.ts': "import { study } from '../../../study/src/index.ts';\nexport const train = study;\n" });
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/error train-eval-sample-load-no-store-or-queue: packages\/cli\/src\/commands\/train\.ts → packages\/study\/src\/index\.ts/);
  });

  it('fail when a library imports the CLI', () => {
    const r = cruise({ ...tree, 'packages/noise/src/index.ts': "import { main } from '../../cli/src/main.ts';\nexport const noise = main;\n" });
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/error no-app-imports-into-libraries: packages\/noise\/src\/index\.ts → packages\/cli\/src\/main\.ts/);
  });
});
