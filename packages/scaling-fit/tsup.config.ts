import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'report/index': 'src/report/index.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
