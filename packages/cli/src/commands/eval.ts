// `difflm eval`: the held-out ELBO (nats/token), its perplexity bound and bits per byte of a run's
// newest checkpoint, next to the data's unigram entropy (the no-context baseline); with --task, the accuracy on a
// multiple-choice task scored by likelihood (SPEC §2.3: the ELBO of each choice given the prompt for diffusion, the
// exact log-likelihood for the AR baseline).
import { defineCommand } from 'citty';
import { backendArg, pluginsArg, positiveIntFlag, runDirArg } from '../shared-args.js';
import { createBackendRegistry, selectBackend } from '@difflm/backends';
import { openShards } from '@difflm/data';
import { evaluateHeldOut, scoreMultipleChoice, summariseMultipleChoice } from '@difflm/trainer';
import { readTask } from '../tasks/task-file.js';
import { evaluateGeneration } from './eval-generate.js';
import { openRun } from '@difflm/trainer/node';
import { defaultRunComponents, runDirPlugins } from '../run-components.js';

export default defineCommand({
  meta: { name: 'eval', description: 'Held-out ELBO, perplexity bound and bits per byte of a run; with --task, multiple-choice accuracy; with --generate, sample quality.' },
  args: {
    'run-dir': runDirArg,
    batches: { type: 'string', description: 'held-out batches (default: the run config\'s eval.batches, at least 1)' },
    task: { type: 'string', description: 'score a multiple-choice task instead: a JSONL file ({"context", "choices", "gold"}, or ARC/PIQA/HellaSwag rows) or a built-in task (cloze)' },
    generate: { type: 'string', description: 'generation quality instead: draw this many samples per sampler and step count and report generative perplexity (with --reference), unigram entropy, distinct-n and tokens/s' },
    reference: { type: 'string', description: 'with --generate: the run directory of the model that scores the samples (an AR run of the same tokenizer)' },
    sampler: { type: 'string', description: 'with --generate: comma-separated samplers (diffusion; default ancestral)' },
    steps: { type: 'string', description: 'with --generate: comma-separated step counts (diffusion; default the run\'s seqLen)' },
    temperature: { type: 'string', description: 'with --generate: softmax temperature (default 1)' },
    plot: { type: 'string', description: 'with --generate: also plot generative perplexity (with --reference) and tokens/s against steps, per sampler, to this .png or .svg file' },
    levels: { type: 'string', description: 'with --task: λ levels of the scoring grid (diffusion; default 128)' },
    draws: { type: 'string', description: 'with --task: noise draws per level (diffusion; default 1)' },
    'effective-snr': { type: 'boolean', description: 'with --task: weight each noised completion by its effective log-SNR, logit of the fraction of its tokens left clean (the authors\' lm-eval default; default off: the paper\'s ELBO)' },
    limit: { type: 'string', description: 'with --task: score only the first n items' },
    seed: { type: 'string', description: 'with --task: seed of the noise draws (default: the run config\'s eval.seed); with --generate: seed of the samples (default 0)' },
    backend: backendArg,
    plugins: pluginsArg,
    json: { type: 'boolean', description: 'print JSON on stdout' },
  },
  async run({ args }) {
    if (args.task !== undefined && args.generate !== undefined) throw new Error('--task and --generate are two evaluations; run them one at a time');
    for (const flag of ['levels', 'draws', 'limit', 'effective-snr'] as const) if (args[flag] !== undefined && args.task === undefined) throw new Error(`--${flag} goes with --task; add --task <file|cloze> or drop it`);
    for (const flag of ['reference', 'sampler', 'steps', 'temperature', 'plot'] as const) if (args[flag] !== undefined && args.generate === undefined) throw new Error(`--${flag} goes with --generate; add --generate <n> or drop it`);
    if (args.seed !== undefined && args.task === undefined && args.generate === undefined) throw new Error('--seed goes with --task or --generate; add one or drop it');
    if (args.generate !== undefined) {
      await evaluateGeneration(args);
      return;
    }
    const levels = positiveIntFlag('levels', args.levels), draws = positiveIntFlag('draws', args.draws), limit = positiveIntFlag('limit', args.limit);
    const seedFlag = args.seed === undefined ? undefined : Number(args.seed);
    if (seedFlag !== undefined && !Number.isInteger(seedFlag)) throw new Error(`--seed must be an integer, got "${args.seed}"`);
    const task = args.task === undefined ? undefined : readTask(args.task); // before any model is loaded
    const plugins = await runDirPlugins(args['run-dir'], args.plugins);
    await selectBackend(args.backend, { backends: createBackendRegistry(plugins) });
    const run = await openRun(args['run-dir'], defaultRunComponents({ plugins }));
    try {
      const c = run.config;
      if (task) {
        const tokenizer = await openShards(c.data.dir).tokenizer();
        const items = task.items.slice(0, limit ?? task.items.length).map((it) => ({
          // An empty context starts after a document separator, as the packed training data does (lm-eval: EOT).
          prompt: it.context.length > 0 ? tokenizer.encode(it.context) : [tokenizer.special.eos], choices: it.choices.map((ch) => tokenizer.encode(ch)), gold: it.gold, choiceLengths: it.choices.map((ch) => ch.length),
        }));
        const options = { seqLen: c.seqLen, seed: seedFlag ?? c.eval.seed, levels: levels ?? 128, draws: draws ?? 1, ...(args['effective-snr'] ? { effectiveSnr: true } : {}) };
        const scored = await scoreMultipleChoice(run.objective, run.model, items, options);
        const summary = summariseMultipleChoice(items, scored);
        const kind = c.objective.kind === 'diffusion' ? c.objective.noise.id : 'autoregressive';
        const out = { runDir: args['run-dir'], step: run.step, objective: kind, task: task.name, layout: task.layout, ...summary, ...(c.objective.kind === 'diffusion' ? { levels: options.levels, draws: options.draws, effectiveSnr: args['effective-snr'] === true } : {}), seed: options.seed };
        if (args.json) process.stdout.write(`${JSON.stringify(out)}\n`);
        else {
          const pct = (p: number, se: number): string => `${(100 * p).toFixed(1)}% ± ${(100 * se).toFixed(1)}`;
          process.stdout.write(`step ${run.step} (${kind}), task ${task.name} (${task.layout}, ${summary.items} items${c.objective.kind === 'diffusion' ? `, ELBO over ${options.levels} λ levels × ${options.draws} draw(s)${args['effective-snr'] ? ', effective SNR' : ''}` : ', exact log-likelihood'})\n`);
          process.stdout.write(`accuracy ${pct(summary.accuracy, summary.accuracyStandardError)}, length-normalised ${pct(summary.normalisedAccuracy, summary.normalisedAccuracyStandardError)} (standard errors), chance ${(100 * summary.chance).toFixed(1)}%\n`);
        }
        return;
      }
      const batches = positiveIntFlag('batches', args.batches) ?? Math.max(1, c.eval.batches);
      const m = evaluateHeldOut({
        model: run.model, objective: run.objective, batches, seed: c.eval.seed, bytesPerToken: run.data.bytesPerToken,
        source: run.data.batches({ split: 'validation', batchSize: c.eval.batchSize ?? c.batchSize, seqLen: c.seqLen, seed: c.eval.seed }),
      });
      const unigram = openShards(c.data.dir).metadata.unigramEntropy;
      const out = { runDir: args['run-dir'], step: run.step, objective: c.objective.kind, ...m, unigram };
      if (args.json) process.stdout.write(`${JSON.stringify(out)}\n`);
      else {
        process.stdout.write(`step ${run.step} (${c.objective.kind === 'diffusion' ? c.objective.noise.id : 'autoregressive'})\n`);
        process.stdout.write(`${c.objective.kind === 'diffusion' ? 'ELBO' : 'cross-entropy'} ${m.elbo.toFixed(4)} nats/token, PPL ${c.objective.kind === 'diffusion' ? '≤ ' : ''}${m.pplBound.toFixed(2)}, ${m.bitsPerByte.toFixed(4)} bits/byte (${m.tokens} tokens)\n`);
        process.stdout.write(`unigram entropy ${unigram.natsPerToken.toFixed(4)} nats/token, ${unigram.bitsPerByte.toFixed(4)} bits/byte\n`);
      }
    } finally {
      run.dispose();
    }
  },
});
