// `difflm export --web <run-dir> --out <dir>`: a trained run in the form a web page loads without Node (the denoising
// playground, examples/playground): model.json (the weights' manifest of @difflm/models' serializeModel, whose `extra`
// holds the objective, token space, tokenizer spec, step and context) and model.bin (the float32 weights). Written to a
// temporary directory beside --out and renamed into place, so --out is whole or absent.
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { defineCommand } from 'citty';
import { createBackendRegistry, selectBackend } from '@difflm/backends';
import { openShards } from '@difflm/data';
import { serializeModel, type Transformer } from '@difflm/models';
import { openRun } from '@difflm/trainer/node';
import { backendArg, pluginsArg, runDirArg } from '../shared-args.js';
import { defaultRunComponents, runDirPlugins } from '../run-components.js';

/** What `extra` of an exported model.json holds (format "difflm-web", version 1). */
export const WEB_EXPORT_FORMAT = 'difflm-web';
export const WEB_EXPORT_VERSION = 1;

export default defineCommand({
  meta: { name: 'export', description: 'Export a trained run for a web page (--web): model.json and model.bin, read by examples/playground.' },
  args: {
    web: { type: 'boolean', description: 'export for the web (the only format so far)' },
    'run-dir': runDirArg,
    out: { type: 'string', description: 'the directory to write (must not exist yet)' },
    backend: backendArg,
    plugins: pluginsArg,
  },
  async run({ args }) {
    if (!args.web) throw new Error('give --web: the web export (model.json + model.bin for examples/playground) is the only format');
    if (!args.out) throw new Error('--out <dir> is required: the directory to write the export to');
    const out = resolve(args.out);
    if (existsSync(out)) throw new Error(`--out ${args.out} exists; give a new directory (nothing is overwritten)`);
    if (!existsSync(dirname(out))) throw new Error(`--out ${args.out}: the folder ${dirname(out)} does not exist; create it first`);
    const plugins = await runDirPlugins(args['run-dir'], args.plugins);
    await selectBackend(args.backend, { backends: createBackendRegistry(plugins) });
    const run = await openRun(args['run-dir'], defaultRunComponents({ plugins }));
    try {
      const c = run.config;
      if (c.objective.kind === 'diffusion' && !/^difflm\//.test(c.objective.noise.id) && c.objective.noise.id.includes('/')) {
        throw new Error(`run ${args['run-dir']} uses the plug-in noise type "${c.objective.noise.id}", which a web page cannot load; only difflm's built-in noise types export`);
      }
      const model = run.model as unknown as Transformer;
      if (!('config' in model)) throw new Error(`run ${args['run-dir']}: its model is not difflm's transformer, which is what the web export writes`);
      const shards = openShards(c.data.dir);
      const extra = {
        format: WEB_EXPORT_FORMAT, version: WEB_EXPORT_VERSION, run: basename(resolve(args['run-dir'])), step: run.step, seqLen: c.seqLen,
        objective: c.objective, tokens: run.data.tokens, tokenizer: shards.metadata.tokenizer,
      };
      const { manifest, weights } = await serializeModel(model, extra);
      const tmp = join(dirname(out), `.${basename(out)}.tmp-${process.pid}`);
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(tmp);
      try {
        writeFileSync(join(tmp, 'model.json'), `${JSON.stringify(manifest)}\n`);
        writeFileSync(join(tmp, 'model.bin'), weights);
        renameSync(tmp, out);
      } catch (e) {
        rmSync(tmp, { recursive: true, force: true });
        throw e;
      }
      process.stdout.write(`exported ${args['run-dir']} (step ${run.step}) to ${args.out}: model.json, model.bin (${(weights.byteLength / 1024).toFixed(0)} KiB)\n`);
    } finally {
      run.dispose();
    }
  },
});
