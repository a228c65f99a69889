import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defineCommand } from 'citty';
import { oneLine } from '../run-cli.js';

// `difflm runs list | show <id> | export --format csv|jsonl`: read a study's results store.
const location = {
  dir: { type: 'string', description: 'Study directory (holds study.db)' },
  study: { type: 'string', description: 'Study name under ./studies' },
} as const;

async function openStore(args: { dir?: string; study?: string }) {
  const s = await import('@difflm/study');
  const dir = s.resolveStudyDir({ ...(args.dir ? { dir: args.dir } : {}), ...(args.study ? { name: args.study } : {}), mustExist: true });
  return { s, dir, store: s.openResultsStore(s.studyPaths(dir).db) };
}

/** What each training session of a run ran on (its environment.jsonl), when the run directory is on this machine. */
async function runEnvironment(runDir: string): Promise<Record<string, unknown>[] | null> {
  const { readJsonlLenient, runPaths } = await import('@difflm/trainer/node');
  const file = runPaths(runDir).environment;
  return existsSync(file) ? readJsonlLenient(file) : null;
}

function fail(cmd: string, e: unknown) {
  process.stderr.write(`difflm runs ${cmd}: ${oneLine(e instanceof Error ? e.message : String(e))}\n`);
  process.exitCode = 1;
}

const list = defineCommand({
  meta: { name: 'list', description: 'List the runs of a study with status and final loss' },
  args: { ...location, status: { type: 'string', description: 'Only runs with this status (pending|running|done|failed)' }, json: { type: 'boolean', description: 'JSON output' } },
  async run({ args }) {
    try {
      const { s, store } = await openStore(args);
      const status = args.status as 'pending' | 'running' | 'done' | 'failed' | undefined;
      if (status && !['pending', 'running', 'done', 'failed'].includes(status)) throw new Error(`--status must be pending, running, done or failed, got "${status}"`);
      const runs = store.list({}).filter((r) => !status || r.status === status);
      store.close();
      if (args.json) { process.stdout.write(`${JSON.stringify(runs.map((r) => ({ id: r.id, study: r.study, status: r.status, label: s.runLabel(r.config), finalLoss: r.finalLoss, attempts: r.attempts, wallSeconds: r.wallSeconds })), null, 2)}\n`); return; }
      for (const r of runs) process.stdout.write(`${r.id}  ${r.status.padEnd(7)}  ${(r.finalLoss?.toFixed(4) ?? '-').padStart(8)}  ${s.runLabel(r.config)}\n`);
      process.stdout.write(`${runs.length} runs\n`);
    } catch (e) { fail('list', e); }
  },
});

const show = defineCommand({
  meta: { name: 'show', description: 'One run: config, status, metrics and loss curve (JSON)' },
  args: { id: { type: 'positional', description: 'Run id (r + 16 hex digits)', required: true }, ...location },
  async run({ args }) {
    try {
      const { s, dir, store } = await openStore(args);
      const id = s.assertRunId(args.id);
      const run = store.get(id);
      if (!run) throw new Error(`no run ${id} in this study; see \`difflm runs list\``);
      const curve = store.curve(id);
      store.close();
      // The backend and kernel each session trained on (local runs; a worker's run directory is on its machine).
      const environment = await runEnvironment(join(s.studyPaths(dir).runs, id));
      process.stdout.write(`${JSON.stringify({ ...run, environment, curve }, null, 2)}\n`);
    } catch (e) { fail('show', e); }
  },
});

const exportCmd = defineCommand({
  meta: { name: 'export', description: 'Every run as CSV or JSONL (with loss curves) on stdout' },
  args: { ...location, format: { type: 'string', description: 'csv or jsonl', default: 'csv' } },
  async run({ args }) {
    try {
      const { s, store } = await openStore(args);
      if (args.format !== 'csv' && args.format !== 'jsonl') throw new Error(`--format must be csv or jsonl, got "${args.format}"`);
      const text = s.exportRuns(store.list({}), args.format, store.curve);
      store.close();
      process.stdout.write(text);
    } catch (e) { fail('export', e); }
  },
});

export default defineCommand({
  meta: { name: 'runs', description: "Inspect a study's results store: list, show <id>, export --format csv|jsonl" },
  subCommands: { list, show, export: exportCmd },
});
