// The one build recipe of every workspace package: ESM, .d.ts and sourcemaps for Node 20.
import { defineConfig, type Options } from 'tsup';

export function packageBuild(entry: Options['entry'] = ['src/index.ts'], extra: Options = {}) {
  return defineConfig({ entry, format: ['esm'], dts: true, sourcemap: true, clean: true, target: 'node20', ...extra });
}
