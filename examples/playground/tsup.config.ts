// One browser bundle (dist/playground.js) with the @difflm packages and TensorFlow.js inside, beside index.html and
// the wasm backend's binaries: dist/ is the whole static site.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig } from 'tsup';

const require = createRequire(import.meta.url);

/** The wasm backend's dist/ folder: its entry points and its .wasm binaries. */
function wasmDistDir(): string {
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
}
export default defineConfig({
  entry: { playground: 'src/main.ts' },
  format: ['iife'],
  outExtension: () => ({ js: '.js' }),
  platform: 'browser',
  target: 'es2022',
  noExternal: [/.*/],
  esbuildOptions(o) { o.conditions = ['@difflm/source', 'browser', 'import', 'default']; },
  dts: false,
  sourcemap: false,
  clean: true,
  minify: true,
  async onSuccess() {
    mkdirSync('dist', { recursive: true });
    copyFileSync('index.html', join('dist', 'index.html'));
    const wasmDir = wasmDistDir();
    for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) copyFileSync(join(wasmDir, f), join('dist', f));
  },
});
