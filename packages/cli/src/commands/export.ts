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
    run: { type: 'positional', description: 'the run directory (or --run-dir)', required: false },
    web: { type: 'boolean', description: 'export for the web (the only format so far)' },
    'run-dir': { ...runDirArg, required: false },
    out: { type: 'string', description: 'the directory to write, which must not exist yet (default: <run-dir>.web beside the run)' },
    backend: backendArg,
    plugins: pluginsArg,
  },
  async run({ args }) {
    if (!args.web) throw new Error('give --web: the web export (model.json + model.bin for examples/playground) is the only format');
    if (args.run !== undefined && args['run-dir'] !== undefined && resolve(args.run) !== resolve(args['run-dir'])) throw new Error('give the run directory once: as the argument or as --run-dir');
    const runDir = args['run-dir'] ?? args.run;
    if (runDir === undefined) throw new Error('give the run directory: difflm export --web <run-dir> [--out <dir>]');
    const outFlag = args.out ?? `${resolve(runDir).replace(/\/+$/, '')}.web`;
    const out = resolve(outFlag);
    if (existsSync(out)) throw new Error(`--out ${outFlag} exists; give a new directory (nothing is overwritten)`);
    if (!existsSync(dirname(out))) throw new Error(`--out ${outFlag}: the folder ${dirname(out)} does not exist; create it first`);
    const plugins = await runDirPlugins(runDir, args.plugins);
    await selectBackend(args.backend, { backends: createBackendRegistry(plugins) });
    const run = await openRun(runDir, defaultRunComponents({ plugins }));
    try {
      const c = run.config;
      if (c.objective.kind === 'diffusion' && !/^difflm\//.test(c.objective.noise.id) && c.objective.noise.id.includes('/')) {
        throw new Error(`run ${runDir} uses the plug-in noise type "${c.objective.noise.id}", which a web page cannot load; only difflm's built-in noise types export`);
      }
      const model = run.model as unknown as Transformer;
      if (!('config' in model)) throw new Error(`run ${runDir}: its model is not difflm's transformer, which is what the web export writes`);
      const shards = openShards(c.data.dir);
      const extra = {
        format: WEB_EXPORT_FORMAT, version: WEB_EXPORT_VERSION, run: basename(resolve(runDir)), step: run.step, seqLen: c.seqLen,
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
      process.stdout.write(`exported ${runDir} (step ${run.step}) to ${outFlag}: model.json, model.bin (${(weights.byteLength / 1024).toFixed(0)} KiB)\n`);
    } finally {
      run.dispose();
    }
  },
});
