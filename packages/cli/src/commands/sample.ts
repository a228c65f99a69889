// `difflm sample`: generate text from a run's newest checkpoint, prompted or unprompted, with any of
// the diffusion samplers of @difflm/noise (ancestral, adaptive, self-correction) or, for the
// autoregressive baseline, left-to-right sampling.
import { defineCommand } from 'citty';
import { backendArg, pluginsArg, runDirArg } from '../shared-args.js';
import { createBackendRegistry, selectBackend } from '@difflm/backends';
import { openShards } from '@difflm/data';
import { createRng, createSamplerRegistry, createScheduleRegistry, logSnrGrid, type GenerateStep, type SamplerKind } from '@difflm/noise';
import { openRun } from '@difflm/trainer/node';
import { drawSamples } from '../draw-samples.js';
import { defaultRunComponents, runDirPlugins } from '../run-components.js';

function int(flag: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (v.trim() === '') throw new Error(`--${flag} needs a value (got an empty one, as from "--${flag}=")`);
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${flag} must be an integer >= ${min}, got "${v}"`);
  return n;
}

function num(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (v.trim() === '') throw new Error(`--${flag} needs a value (got an empty one, as from "--${flag}=")`);
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${flag} must be a number, got "${v}"`);
  return n;
}

export default defineCommand({
  meta: { name: 'sample', description: 'Sample text from a trained run (diffusion samplers or the AR baseline).' },
  args: {
    'run-dir': runDirArg,
    prompt: { type: 'string', description: 'a text prefix to continue (default: unprompted)' },
    sampler: { type: 'string', description: 'diffusion runs: ancestral | adaptive | self-correction | a plug-in sampler\'s id (see --plugins)', default: 'ancestral' },
    'sampler-options': { type: 'string', description: 'the sampler\'s options as JSON, e.g. \'{"iterations": 64}\' (self-correction)' },
    steps: { type: 'string', description: 'denoising steps, per block with --block-length (default: the number of generated tokens)' },
    'tokens-per-step': { type: 'string', description: 'diffusion: tokens per step instead of --steps (each block gets ⌈its tokens / this⌉ steps)' },
    'stop-at-eos': { type: 'boolean', description: 'end each sample at its first document separator (EOS); block-wise generation stops once every sample has ended' },
    'min-length': { type: 'string', description: 'with --stop-at-eos: generated tokens before an EOS may end a sample' },
    'prefix-cache': { type: 'boolean', description: 'diffusion: compute the clean prefix (prompt, finished blocks) once per block, not at every step; --no-prefix-cache runs every step on the whole sequence', default: true },
    grid: { type: 'string', description: 'λ grid of the steps: a λ schedule, cosine | linear | log-linear | a plug-in schedule\'s id (see --plugins)', default: 'cosine' },
    'grid-options': { type: 'string', description: 'the grid schedule\'s options as JSON' },
    length: { type: 'string', description: 'total tokens per sample, prompt included (default: the run\'s seqLen)' },
    'num-samples': { type: 'string', description: 'samples to draw', default: '2' },
    'block-length': { type: 'string', description: 'diffusion: generate left to right in blocks of this many tokens' },
    temperature: { type: 'string', description: 'softmax temperature (0 = argmax)', default: '1' },
    'top-k': { type: 'string', description: 'keep the k most likely tokens' },
    'top-p': { type: 'string', description: 'nucleus sampling mass in (0, 1]' },
    seed: { type: 'string', description: 'random seed', default: '0' },
    trace: { type: 'boolean', description: 'diffusion runs: also show every denoising step (masks as <|mask|>); with --json, a "trace" list per step' },
    backend: backendArg,
    plugins: pluginsArg,
    json: { type: 'boolean', description: 'print JSON on stdout' },
  },
  async run({ args }) {
    const sampler = args.sampler as SamplerKind;
    let samplerOptions: Record<string, unknown> | undefined;
    if (args['sampler-options'] !== undefined) {
      try { samplerOptions = JSON.parse(args['sampler-options']) as Record<string, unknown>; } catch (e) { throw new Error(`--sampler-options is not valid JSON (${(e as Error).message})`); }
    }
    let gridOptions: Record<string, unknown> | undefined;
    if (args['grid-options'] !== undefined) {
      try { gridOptions = JSON.parse(args['grid-options']) as Record<string, unknown>; } catch (e) { throw new Error(`--grid-options is not valid JSON (${(e as Error).message})`); }
    }
    const numSamples = int('num-samples', args['num-samples'], 1)!;
    const seed = int('seed', args.seed, 0)!;
    const temperature = num('temperature', args.temperature) ?? 1;
    const topK = int('top-k', args['top-k'], 1);
    const topP = num('top-p', args['top-p']);
    // Every flag is checked before the run is opened (a bad flag is reported as itself, not as a run problem).
    const stepsFlag = int('steps', args.steps, 1);
    const lengthFlag = int('length', args.length, 1);
    const blockLength = args['block-length'] !== undefined ? int('block-length', args['block-length'], 1) : undefined;
    const tokensPerStep = int('tokens-per-step', args['tokens-per-step'], 1);
    if (tokensPerStep !== undefined && stepsFlag !== undefined) throw new Error('--steps and --tokens-per-step set the same thing; give one of them');
    const minLength = int('min-length', args['min-length'], 0);
    if (minLength !== undefined && !args['stop-at-eos']) throw new Error('--min-length needs --stop-at-eos (it keeps the end-of-sequence token out of the first tokens)');
    const plugins = await runDirPlugins(args['run-dir'], args.plugins);
    // The sampler and its options, against the built-ins and the plug-ins, before the run is opened.
    const samplers = createSamplerRegistry(plugins);
    try { samplers.create(sampler, samplerOptions); } catch (e) { throw new Error(`--${(e as Error).message.replace(/^samplerOptions/, 'sampler-options')}`); }
    // The grid is a λ schedule, of the built-ins or the plug-ins.
    const schedules = createScheduleRegistry(plugins);
    try { logSnrGrid(args.grid, 1, [-9, 9], schedules, gridOptions); } catch (e) { throw new Error(`--grid ${args.grid}: ${(e as Error).message}`); }
    await selectBackend(args.backend, { backends: createBackendRegistry(plugins) });
    const run = await openRun(args['run-dir'], defaultRunComponents({ plugins }));
    try {
      const tokenizer = await openShards(run.config.data.dir).tokenizer();
      const length = lengthFlag ?? run.config.seqLen;
      const promptIds = args.prompt ? tokenizer.encode(args.prompt) : [];
      const trace: { evaluation: number; block: number; done: boolean; texts: string[] }[] = [];
      const t0 = performance.now();
      const { rows, promptLength: promptLen } = await drawSamples(run, tokenizer, {
        numSamples, length, promptIds, sampler, ...(samplerOptions ? { samplerOptions } : {}), samplers,
        ...(stepsFlag !== undefined ? { steps: stepsFlag } : {}), ...(tokensPerStep !== undefined ? { tokensPerStep } : {}),
        ...(args['stop-at-eos'] ? { stopAtEos: true } : {}), ...(minLength !== undefined ? { minLength } : {}), prefixCache: args['prefix-cache'] !== false, grid: args.grid, ...(gridOptions ? { gridOptions } : {}), schedules,
        temperature, ...(topK !== undefined ? { topK } : {}), ...(topP !== undefined ? { topP } : {}), ...(blockLength !== undefined ? { blockLength } : {}),
        rng: createRng(seed),
        ...(args.trace && run.noise ? { onStep: (e: GenerateStep) => { trace.push({ evaluation: e.evaluation, block: e.block, done: e.done, texts: Array.from({ length: numSamples }, (_, b) => tokenizer.decode(e.z.subarray(b * length, (b + 1) * length))) }); } } : {}),
      });
      const seconds = (performance.now() - t0) / 1000;
      const samples = rows.map((r) => ({ text: tokenizer.decode(r.subarray(promptLen), { skipSpecial: true }), tokens: Array.from(r) }));
      const generatedTokens = rows.reduce((n, r) => n + r.length - promptLen, 0);
      const out = { runDir: args['run-dir'], step: run.step, sampler: run.noise ? sampler : 'autoregressive', prompt: args.prompt ?? '', samples, tokensPerSec: generatedTokens / seconds, ...(args.trace ? { trace } : {}) };
      if (args.json) process.stdout.write(`${JSON.stringify(out)}\n`);
      else {
        if (args.trace) for (const t of trace) process.stdout.write(`${t.done ? 'final' : `step ${t.evaluation}`.padEnd(8)}${t.done ? '   ' : ''} ${JSON.stringify(t.texts[0])}\n`);
        samples.forEach((s, i) => process.stdout.write(`--- sample ${i + 1} (${out.sampler}, step ${run.step})\n${args.prompt ?? ''}${s.text}\n`));
        process.stderr.write(`${out.tokensPerSec.toFixed(1)} generated tokens/s\n`);
      }
    } finally {
      run.dispose();
    }
  },
});
