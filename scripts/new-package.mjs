// Scaffolds a workspace package: node scripts/new-package.mjs <dir> <name> <description> [--private]
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
const [dir, name, description, flag] = process.argv.slice(2);
if (!dir || !name) throw new Error('usage: new-package.mjs <dir> <name> <description> [--private]');
const priv = flag === '--private';
mkdirSync(join(dir, 'src'), { recursive: true });
const pkg = {
  name,
  version: '0.1.0',
  description,
  ...(priv ? { private: true } : { license: 'Apache-2.0' }),
  type: 'module',
  exports: {
    '.': { '@difflm/source': './src/index.ts', types: './dist/index.d.ts', import: './dist/index.js' },
    './package.json': './package.json',
  },
  main: './dist/index.js',
  types: './dist/index.d.ts',
  files: ['dist', 'src', '!src/**/*.test.ts'],
  sideEffects: false,
  scripts: {
    build: 'tsup',
    typecheck: 'tsc --noEmit -p tsconfig.json',
    lint: priv ? 'echo private' : 'publint --strict && attw --pack . --profile esm-only --quiet',
    test: 'vitest run --root ../.. --project ' + name,
  },
  ...(priv ? {} : { publishConfig: { access: 'public' }, repository: { type: 'git', url: 'git+https://github.com/difflm/difflm.git', directory: dir } }),
};
if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src', '*.ts'] }, null, 2) + '\n');
writeFileSync(join(dir, 'tsup.config.ts'), `import { packageBuild } from '../../tsup.shared.js';\n\nexport default packageBuild();\n`);
writeFileSync(join(dir, 'vitest.config.ts'), `import { defineProject } from 'vitest/config';\nimport { sharedProject } from '../../vitest.shared.js';\n\nexport default defineProject(sharedProject('${name}'));\n`);
if (!existsSync(join(dir, 'src/index.ts'))) writeFileSync(join(dir, 'src/index.ts'), `export {};\n`);
