// `difflm train`: train a diffusion LM (any noise type) or the autoregressive baseline into a run
// directory, with a progress bar on stderr; `--resume` continues a killed run from its last checkpoint.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineCommand } from 'citty';
import { backendArg, pluginsArg, runDirArg, pluginNames } from '../shared-args.js';
import cliProgress from 'cli-progress';
import { createBackendRegistry, parseBackendName, selectBackend } from '@difflm/backends';
import { createNoiseRegistry } from '@difflm/noise';
import { openShards } from '@difflm/data';
import { assertFitsInMemory, parseTrainRunConfig, runTraining, type ProgressEvent } from '@difflm/trainer/node';
import { createOptimizerRegistry } from '@difflm/trainer';
import { defaultRunComponents, loadPlugins, preparedCorpusDir } from '../run-components.js';
import { loadRecordedPlugins, pluginModuleName, runPluginRecords, type PluginRecord } from '@difflm/compose';
import { configFilePlugins, readStoredConfig } from '../shared-args.js';
import { buildTrainConfig, type TrainFlags } from '../train-config.js';

export default defineCommand({
  meta: { name: 'train', description: 'Train a diffusion LM or the autoregressive baseline (resumable run directory).' },
  args: {
    config: { type: 'string', description: 'a TrainRunConfig JSON file (flags override it)' },
    preset: { type: 'string', description: 'tiny | small (~1M parameters) | reference (2 layers, d=128); default tiny without --config' },
    noise: { type: 'string', description: 'noise id (masked, uniform, hybrid, gidd, or a plug-in id like acme/foo) or "ar" for the autoregressive baseline' },
    'noise-options': { type: 'string', description: 'noise options as JSON, e.g. \'{"preset": "low-uniform"}\' (hybrid) or \'{"pUniform": 0.1}\' (gidd)' },
    depth: { type: 'string', description: 'size dial: L layers, d = 64·L, H = L' },
    steps: { type: 'string', description: 'budget in optimizer steps' },
    tokens: { type: 'string', description: 'budget in training tokens' },
    flops: { type: 'string', description: 'budget in non-embedding FLOPs' },
    batch: { type: 'string', description: 'sequences per batch' },
    'seq-len': { type: 'string', description: 'tokens per sequence' },
    lr: { type: 'string', description: 'base learning rate η (bulk η/d, aux 0.02·η)' },
    warmup: { type: 'string', description: 'warmup steps' },
    cooldown: { type: 'string', description: 'sqrt cooldown: steps, or a fraction of the run when < 1' },
    optimizer: { type: 'string', description: 'optimizer type: laprop | adamw | a plug-in\'s id (see --plugins)' },
    seed: { type: 'string', description: 'random seed' },
    'eval-every': { type: 'string', description: 'held-out ELBO every N steps (0 = only at the end)' },
    'checkpoint-every': { type: 'string', description: 'checkpoint every N steps' },
    data: { type: 'string', description: 'a prepared shard directory (difflm data prepare)' },
    corpus: { type: 'string', description: 'without --data: a text/JSONL file or directory to prepare (byte tokenizer); default the embedded corpus' },
    backend: backendArg,
    'run-dir': runDirArg,
    resume: { type: 'boolean', description: 'continue the run in --run-dir from its last checkpoint' },
    plugins: pluginsArg,
    json: { type: 'boolean', description: 'print the final result as JSON on stdout (no progress bar)' },
  },
  async run({ args }) {
    const runDir = args['run-dir'];
    const status = (line: string): void => { if (!args.json) process.stderr.write(`${line}\n`); };
    // Plug-ins: --plugins (relative to the current directory), a config file's "plugins" (relative to the file), or,
    // resuming without either, the ones the run directory recorded. A new run records what it loaded, with versions.
    let pluginModules = pluginNames(args.plugins).map((n) => pluginModuleName(n));
    let plugins = await loadPlugins(pluginModules);
    // --resume means "continue": a directory that does not exist holds nothing to continue. (One left by a run killed
    // while it was being created, with no config.json yet, starts cleanly — runTraining handles that debris.)
    if (args.resume && !existsSync(runDir)) throw new Error(`--resume: ${runDir} does not exist, so there is no run to continue; drop --resume to start a new run there`);
    const resumingExisting = args.resume && existsSync(join(runDir, 'config.json'));
    const flags: TrainFlags = {
      preset: args.preset, noise: args.noise, noiseOptions: args['noise-options'], depth: args.depth, steps: args.steps, tokens: args.tokens,
      flops: args.flops, batch: args.batch, seqLen: args['seq-len'], lr: args.lr, warmup: args.warmup, cooldown: args.cooldown,
      optimizer: args.optimizer, seed: args.seed, evalEvery: args['eval-every'], checkpointEvery: args['checkpoint-every'],
    };
    // On --resume, flags and a config file are compared with the run's own config (runTraining refuses a
    // difference, naming the fields), so the command line that started a run also resumes it and nothing is ignored.
    const anyGiven = Boolean(args.config || args.data || args.corpus) || Object.values(flags).some((v) => v !== undefined);
    let config: unknown;
    if (!resumingExisting || anyGiven) {
      let fileConfig: Record<string, unknown> = {};
      if (args.config) {
        if (!existsSync(args.config)) throw new Error(`--config: ${args.config} does not exist`);
        let parsed: unknown;
        try { parsed = JSON.parse(readFileSync(args.config, 'utf8')); } catch (e) { throw new Error(`--config: ${args.config} is not valid JSON (${(e as Error).message})`); }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`--config: ${args.config} must hold a JSON object (a TrainRunConfig), got ${parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : typeof parsed}`);
        fileConfig = parsed as Record<string, unknown>;
        const fromFile = configFilePlugins(fileConfig.plugins, args.config);
        delete fileConfig.plugins;
        if (fromFile.length) {
          pluginModules = [...new Set([...fromFile, ...pluginModules])];
          plugins = await loadPlugins(pluginModules);
        }
      }
      // Check the flags and the config file before any work (corpus preparation takes seconds to minutes):
      // the real vocabulary is known only once the data is there, so this pass uses the byte tokenizer's.
      if (args['noise-options'] !== undefined && args.noise === undefined) throw new Error('--noise-options needs --noise (the noise type whose options they are)');
      const early = parseTrainRunConfig(buildTrainConfig(flags, fileConfig, { dir: '(checked before the data is prepared)', vocabSize: 260 }));
      assertFitsInMemory(early);
      parseBackendName(args.backend, createBackendRegistry(plugins));
      // The optimizer type and its options, against the registry the run will use.
      createOptimizerRegistry(plugins).check(early.optimizer.kind, early.optimizer.options);
      if (early.objective.kind === 'diffusion') {
        // The noise id and its options, checked against the registry the run will use (plug-ins included).
        const plugin = createNoiseRegistry([...plugins]).get(early.objective.noise.id);
        plugin.parseOptions(early.objective.noise.options);
      }
      const fileData = (fileConfig.data as { dir?: string } | undefined)?.dir;
      const dataDir = args.data ?? fileData ?? (await preparedCorpusDir(args.corpus ?? 'sotu', status));
      if (!existsSync(dataDir)) throw new Error(`--data: ${dataDir} does not exist; prepare it with \`difflm data prepare --out ${dataDir}\` or omit --data to use the embedded corpus`);
      const vocabSize = openShards(dataDir).metadata.vocabSize;
      config = buildTrainConfig(flags, fileConfig, { dir: dataDir, vocabSize });
      const records = runPluginRecords(pluginModules, plugins);
      if (records.length) (config as { plugins?: PluginRecord[] }).plugins = records;
    } else if (!pluginModules.length) {
      plugins = await loadRecordedPlugins(readStoredConfig(runDir));
    }
    const components = defaultRunComponents({ plugins });
    // AR runs report a cross-entropy and an exact perplexity; diffusion runs an ELBO and a perplexity bound.
    let runConfig = config as { objective?: { kind?: string } } | undefined;
    if (runConfig === undefined && existsSync(join(runDir, 'config.json'))) {
      try { runConfig = JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8')) as typeof runConfig; } catch { /* runTraining reports a damaged config.json */ }
    }
    const autoregressive = runConfig?.objective?.kind === 'autoregressive';
    const heldOutLine = (m: { elbo: number; pplBound: number; bitsPerByte: number }): string => autoregressive
      ? `held-out cross-entropy ${m.elbo.toFixed(4)} nats/token, PPL ${m.pplBound.toFixed(2)}, ${m.bitsPerByte.toFixed(4)} bits/byte`
      : `held-out ELBO ${m.elbo.toFixed(4)} nats/token, PPL ≤ ${m.pplBound.toFixed(2)}, ${m.bitsPerByte.toFixed(4)} bits/byte`;
    const backend = await selectBackend(args.backend, { backends: createBackendRegistry(plugins) });
    status(`backend: ${backend.description}`);
    // On a terminal a progress bar; otherwise (logs, CI, pipes) a plain line every 30 s.
    const tty = Boolean(process.stderr.isTTY);
    const bar = args.json || !tty ? null : new cliProgress.SingleBar({
      stream: process.stderr,
      format: 'train |{bar}| {value}/{total} steps | loss {loss} | elbo {elbo} | {tps} tok/s | ETA {eta_formatted}',
      etaBuffer: 50,
      hideCursor: true,
    }, cliProgress.Presets.shades_classic);
    let started = false;
    let lastLine = Date.now();
    const onProgress = (e: ProgressEvent): void => {
      if (e.type === 'warning') {
        bar?.stop(); started = false;
        process.stderr.write(`warning: ${e.message}\n`);
        return;
      }
      if (args.json) return;
      if (e.type === 'step') {
        const payload = { loss: e.metrics.loss.toFixed(4), elbo: e.metrics.elbo.toFixed(4), tps: Math.round(e.metrics.tokensPerSec) };
        if (!bar) {
          if (Date.now() - lastLine >= 30_000 || e.metrics.step === e.totalSteps) {
            lastLine = Date.now();
            status(`step ${e.metrics.step}/${e.totalSteps}: train ${autoregressive ? 'cross-entropy' : 'ELBO'} ${payload.elbo} nats/token, ${payload.tps} tokens/s`);
          }
          return;
        }
        if (!started) { bar.start(e.totalSteps, e.metrics.step - 1, payload); started = true; }
        bar.update(e.metrics.step, payload);
      } else if (e.type === 'eval') {
        bar?.stop(); started = false;
        status(`step ${e.step}: ${heldOutLine(e.metrics)}`);
      }
    };
    const ctl = new AbortController();
    const onSignal = (): void => ctl.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const result = await runTraining({ runDir, config, components, resume: Boolean(args.resume), onProgress, signal: ctl.signal, environment: backend.environment });
      bar?.stop();
      if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else {
        process.stdout.write(`${result.stopped ? 'stopped' : 'finished'} at step ${result.steps}/${result.totalSteps} in ${runDir}${result.resumedFrom !== null ? ` (resumed from step ${result.resumedFrom})` : ''}\n`);
        if (result.last) {
          process.stdout.write(autoregressive
            ? `last step: train cross-entropy ${result.last.elbo.toFixed(4)} nats/token\n`
            : `last step: train ELBO ${result.last.elbo.toFixed(4)} nats/token (training surrogate ${result.last.loss.toFixed(2)}, summed over the batch's noisy tokens)\n`);
        }
        if (result.eval) process.stdout.write(`${heldOutLine(result.eval)}\n`);
      }
    } finally {
      bar?.stop();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
});
