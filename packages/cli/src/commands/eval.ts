// `difflm eval`: the held-out ELBO (nats/token), its perplexity bound and bits per byte of a run's
// newest checkpoint, next to the data's unigram entropy (the no-context baseline).
import { defineCommand } from 'citty';
import { backendArg, pluginsArg, runDirArg } from '../shared-args.js';
import { createBackendRegistry, selectBackend } from '@difflm/backends';
import { openShards } from '@difflm/data';
import { evaluateHeldOut } from '@difflm/trainer';
import { openRun } from '@difflm/trainer/node';
import { defaultRunComponents, runDirPlugins } from '../run-components.js';

export default defineCommand({
  meta: { name: 'eval', description: 'Held-out ELBO, perplexity bound and bits per byte of a run.' },
  args: {
    'run-dir': runDirArg,
    batches: { type: 'string', description: 'held-out batches (default: the run config\'s eval.batches, at least 1)' },
    backend: backendArg,
    plugins: pluginsArg,
    json: { type: 'boolean', description: 'print JSON on stdout' },
  },
  async run({ args }) {
    const plugins = await runDirPlugins(args['run-dir'], args.plugins);
    await selectBackend(args.backend, { backends: createBackendRegistry(plugins) });
    const run = await openRun(args['run-dir'], defaultRunComponents({ plugins }));
    try {
      const c = run.config;
      const batches = args.batches !== undefined ? Number(args.batches) : Math.max(1, c.eval.batches);
      if (!Number.isInteger(batches) || batches < 1) throw new Error(`--batches must be a positive integer, got "${args.batches}"`);
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
