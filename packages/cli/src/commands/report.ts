import { defineCommand } from 'citty';
import { oneLine } from '../run-cli.js';

// `difflm report`: fit a study with @difflm/scaling-fit and write markdown, SVG/PNG plots and JSON.
export default defineCommand({
  meta: { name: 'report', description: 'Fit a study (IsoFLOP curves, M*/D*/L* frontiers, Table 1 exponents) and write its report' },
  args: {
    dir: { type: 'string', description: 'Study directory (holds study.db)' },
    study: { type: 'string', description: 'Study name under ./studies' },
    out: { type: 'string', description: 'Report directory (default <study dir>/report)' },
    pool: { type: 'string', description: 'Comma-separated directories of the same study under other seeds (or machines) whose runs are pooled with this one\'s' },
    bootstrap: { type: 'string', description: 'Bootstrap resamples for the confidence bands (default 2000)' },
    json: { type: 'boolean', description: 'Print the report JSON on stdout' },
  },
  async run({ args }) {
    try {
      const s = await import('@difflm/study');
      const dir = s.resolveStudyDir({ ...(args.dir ? { dir: args.dir } : {}), ...(args.study ? { name: args.study } : {}), mustExist: true });
      const resamples = args.bootstrap ? Number(args.bootstrap) : undefined;
      if (resamples !== undefined && !(Number.isInteger(resamples) && resamples >= 0)) throw new Error(`--bootstrap must be a non-negative integer, got "${args.bootstrap}"`);
      const pool = (args.pool ?? '').split(',').filter((p) => p.length > 0);
      if (pool.length > 0 && !args.out) throw new Error('--pool: give --out as well, so the pooled report does not replace the study\'s own');
      const r = await s.writeStudyReport({ dir, ...(pool.length ? { pool } : {}), ...(args.out ? { outDir: args.out } : {}), ...(resamples !== undefined ? { bootstrap: resamples } : {}) });
      if (args.json) process.stdout.write(`${JSON.stringify(r.data, null, 2)}\n`);
      else process.stdout.write(`report: ${r.markdown}\n${r.files.map((f) => `  ${f}\n`).join('')}`);
    } catch (e) {
      process.stderr.write(`difflm report: ${oneLine(e instanceof Error ? e.message : String(e))}\n`);
      process.exitCode = 1;
    }
  },
});
