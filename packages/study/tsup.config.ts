import { defineConfig } from 'tsup';

// run-process is a second entry: the local runner and distributed workers fork it as a child process.
export default defineConfig({
  entry: ['src/index.ts', 'src/run-process.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
