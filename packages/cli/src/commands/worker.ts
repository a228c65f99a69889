import { defineCommand } from 'citty';
import { oneLine } from '../run-cli.js';
import { backendArg, pluginNames, pluginsArg, runExecutorFromFlags } from '../shared-args.js';
import { availableParallelism, hostname } from 'node:os';
import { resolve } from 'node:path';

// `difflm worker --redis URL`: take runs from a study's queue on this machine until stopped (Ctrl-C).
export default defineCommand({
  meta: { name: 'worker', description: 'Train study runs from a Redis queue (start any number, on any machines).' },
  args: {
    redis: { type: 'string', description: 'Redis URL: redis://[user:password@]host[:port][/db], rediss:// for TLS', required: true },
    queue: { type: 'string', description: 'BullMQ queue name (default difflm-runs)' },
    slots: { type: 'string', description: 'Runs trained at once on this machine (default: one per core)' },
    'work-dir': { type: 'string', description: 'Run directories on this machine (default ./studies/.worker)', default: 'studies/.worker' },
    'data-root': { type: 'string', description: 'Comma-separated folders whose corpora jobs may name by absolute path (default: embedded corpora only)' },
    backend: backendArg,
    plugins: { ...pluginsArg, description: 'comma-separated noise plug-in modules this worker trains (package names, or paths relative to the current directory); a job whose noise type none of them registers fails once, without retries' },
    'lock-ms': { type: 'string', description: "Job lock; a dead worker's run is taken over after about this long (default 30000)" },
  },
  async run({ args, rawArgs }) {
    try {
      const s = await import('@difflm/study');
      const slots = args.slots ? Number(args.slots) : availableParallelism();
      if (!Number.isInteger(slots) || slots < 1) throw new Error(`--slots must be a positive integer, got "${args.slots}"`);
      const lockMs = args['lock-ms'] ? Number(args['lock-ms']) : undefined;
      if (lockMs !== undefined && !(lockMs >= 500)) throw new Error(`--lock-ms must be a number ≥ 500, got "${args['lock-ms']}"`);
      await s.checkRedis(args.redis);
      // Plug-ins are loaded here (a missing one is an error before the worker takes a job) and again in each run process.
      const { loadPlugins, pluginModuleName } = await import('@difflm/compose');
      const { createLossWeightingRegistry, createNoiseRegistry, createScheduleRegistry } = await import('@difflm/noise');
      const { createOptimizerRegistry } = await import('@difflm/trainer');
      const plugins = pluginNames(args.plugins).map((n) => pluginModuleName(n));
      const loaded = await loadPlugins(plugins);
      const noiseRegistry = createNoiseRegistry(loaded);
      const executor = runExecutorFromFlags(rawArgs, args.backend, () => s.fakeOptionsFromEnv(process.env), plugins);
      const worker = await s.startStudyWorker({
        redisUrl: args.redis, executor, slots, workDir: resolve(args['work-dir']), noiseRegistry, scheduleRegistry: createScheduleRegistry(loaded), optimizerRegistry: createOptimizerRegistry(loaded), lossWeightingRegistry: createLossWeightingRegistry(loaded),
        dataRoots: (args['data-root'] ?? '').split(',').filter((p) => p.length > 0).map((p) => resolve(p)),
        ...(args.queue ? { queue: args.queue } : {}),
        ...(lockMs !== undefined ? { lockMs } : {}),
        onEvent: (e) => process.stderr.write(`${new Date().toISOString()} ${e.type} ${e.runId}${e.error ? `: ${oneLine(e.error)}` : ''}\n`),
        onRedis: (e) => process.stderr.write(`${new Date().toISOString()} ${e.type === 'redis-lost' ? `lost Redis at ${s.redactRedisUrl(args.redis)} (${e.error}); retrying, the active runs go on` : 'Redis is back'}\n`),
      });
      const extra = noiseRegistry.ids().filter((id) => !createNoiseRegistry().has(id));
      const schedules = createScheduleRegistry(loaded).ids().filter((id) => !createScheduleRegistry().has(id));
      const weightings = createLossWeightingRegistry(loaded).ids().filter((id) => !createLossWeightingRegistry().has(id));
      process.stderr.write(`worker ${hostname()}:${process.pid} ready: ${slots} slot(s) on queue ${args.queue ?? s.DEFAULT_QUEUE}${extra.length ? `; plug-in noise types ${extra.join(', ')}` : ''}${schedules.length ? `; plug-in schedules ${schedules.join(', ')}` : ''}${weightings.length ? `; plug-in loss weightings ${weightings.join(', ')}` : ''}\n`);
      await new Promise<void>((res) => {
        const stop = () => res();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      process.stderr.write('worker stopping: finishing active runs\n');
      await worker.close();
    } catch (e) {
      process.stderr.write(`difflm worker: ${oneLine(e instanceof Error ? e.message : String(e))}\n`);
      process.exitCode = 1;
    }
  },
});
