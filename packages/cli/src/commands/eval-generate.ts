// `difflm eval --generate <n>`: generation quality of a run (issue: the peers' generative perplexity, MDLM/Duo):
// for each sampler and step count asked for, n unprompted samples of the run's length, scored by a reference run
// (generative perplexity: exp of the reference's mean −log p per generated token; an AR reference gives the exact
// value), their unigram entropy and distinct-1/2/3, and the generated tokens per second.
import { createBackendRegistry, selectBackend } from '@difflm/backends';
import { openShards } from '@difflm/data';
import { createRng, createSamplerRegistry, createScheduleRegistry, type SamplerKind } from '@difflm/noise';
import { openRun, type OpenedRun } from '@difflm/trainer/node';
import { drawSamples } from '../draw-samples.js';
import { distinctN, ratioStandardError, unigramEntropy } from '../generation-metrics.js';
import { defaultRunComponents, runDirPlugins } from '../run-components.js';
import { positiveIntFlag } from '../shared-args.js';
import { existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

interface GenerateArgs {
  readonly 'run-dir': string;
  readonly generate?: string;
  readonly reference?: string;
  readonly sampler?: string;
  readonly steps?: string;
  readonly temperature?: string;
  readonly plot?: string;
  readonly seed?: string;
  readonly backend: string;
  readonly plugins?: string;
  readonly json?: boolean;
}

const list = (flag: string, v: string | undefined): string[] | undefined => {
  if (v === undefined) return undefined;
  const items = v.split(',').map((x) => x.trim()).filter(Boolean);
  if (items.length === 0) throw new Error(`--${flag} needs at least one value`);
  return items;
};

export async function evaluateGeneration(args: GenerateArgs): Promise<void> {
  const n = positiveIntFlag('generate', args.generate)!;
  const stepCounts = list('steps', args.steps)?.map((v) => positiveIntFlag('steps', v)!);
  const temperature = args.temperature === undefined ? 1 : Number(args.temperature);
  if (!Number.isFinite(temperature) || temperature < 0) throw new Error(`--temperature must be a number ≥ 0, got "${args.temperature}"`);
  const seed = args.seed === undefined ? 0 : Number(args.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got "${args.seed}"`);
  const plot = args.plot;
  if (plot !== undefined) {
    if (!/\.(png|svg)$/i.test(plot)) throw new Error(`--plot ${plot}: give a file name ending in .png or .svg`);
    if (!existsSync(dirname(resolve(plot)))) throw new Error(`--plot ${plot}: the folder ${dirname(resolve(plot))} does not exist; create it or pick another path`);
    if (existsSync(plot) && statSync(plot).isDirectory()) throw new Error(`--plot ${plot} is a directory; give a .png or .svg file name`);
  }
  const plugins = await runDirPlugins(args['run-dir'], args.plugins);
  const samplers = createSamplerRegistry(plugins);
  const schedules = createScheduleRegistry(plugins);
  const samplerNames = (list('sampler', args.sampler) ?? ['ancestral']) as SamplerKind[];
  for (const name of samplerNames) { try { samplers.create(name, undefined); } catch (e) { throw new Error(`--sampler: ${(e as Error).message}`); } }
  await selectBackend(args.backend, { backends: createBackendRegistry(plugins) });
  const run = await openRun(args['run-dir'], defaultRunComponents({ plugins }));
  let reference: OpenedRun | undefined;
  try {
    const shards = openShards(run.config.data.dir);
    const tokenizer = await shards.tokenizer();
    if (args.reference !== undefined) {
      reference = await openRun(args.reference, defaultRunComponents({ plugins: await runDirPlugins(args.reference, args.plugins) }));
      const refTokenizer = openShards(reference.config.data.dir).metadata.tokenizer;
      if (JSON.stringify(refTokenizer) !== JSON.stringify(shards.metadata.tokenizer)) throw new Error(`--reference ${args.reference} was trained with another tokenizer than ${args['run-dir']}; give a reference run of the same tokenizer`);
    }
    const kind = run.config.objective.kind === 'diffusion' ? run.config.objective.noise.id : 'autoregressive';
    const length = run.config.seqLen;
    const configs = run.noise
      ? samplerNames.flatMap((sampler) => (stepCounts ?? [length]).map((steps) => ({ sampler, steps })))
      : [{ sampler: 'autoregressive' as SamplerKind, steps: undefined as number | undefined }];
    // Empty tokens (pad: what empty-token insertion taught the model to emit) are no text and are dropped before
    // anything is measured; a mask left at the end is an unfinished position, counted and dropped as well.
    const { mask, pad } = tokenizer.special;
    const rows = [];
    for (const c of configs) {
      const t0 = performance.now();
      const drawn = await drawSamples(run, tokenizer, {
        numSamples: n, length, promptIds: [], sampler: c.sampler, samplers, ...(c.steps !== undefined ? { steps: c.steps } : {}),
        grid: 'cosine', schedules, temperature, rng: createRng(seed),
      });
      const seconds = (performance.now() - t0) / 1000;
      const raw = drawn.rows.map((r) => r.subarray(drawn.promptLength));
      const generated = raw.map((g) => g.filter((t) => t !== mask && t !== pad));
      const tokens = generated.reduce((s, g) => s + g.length, 0);
      let genNats: number | null = null, genNatsSe: number | null = null;
      if (reference) {
        const ref = reference;
        const room = ref.config.seqLen - 1;
        // A sample of nothing but empty tokens has no text to score.
        const items = generated.filter((g) => g.length > 0).map((g) => ({ prompt: [tokenizer.special.eos], completion: g.subarray(0, room) }));
        const nats = items.length ? await ref.objective.scoreCompletions(ref.model, items, { seqLen: ref.config.seqLen, seed }) : new Float64Array(0);
        genNats = items.length ? nats.reduce((s, v) => s + v, 0) / items.reduce((s, it) => s + it.completion.length, 0) : null;
        genNatsSe = genNats === null ? null : ratioStandardError(nats, items.map((it) => it.completion.length), genNats);
      }
      rows.push({
        sampler: c.sampler, steps: c.steps ?? null, samples: n, tokens,
        genPerplexity: genNats === null ? null : Math.exp(genNats), genNatsPerToken: genNats, genNatsStandardError: genNatsSe,
        // 95% interval over the samples (the model's sampling noise at this n), through exp of nats/token ± 1.96 SE.
        genPerplexityInterval: genNats === null || genNatsSe === null ? null : [Math.exp(genNats - 1.96 * genNatsSe), Math.exp(genNats + 1.96 * genNatsSe)],
        unigramEntropy: unigramEntropy(generated), distinct1: distinctN(generated, 1), distinct2: distinctN(generated, 2), distinct3: distinctN(generated, 3),
        masksLeft: raw.reduce((s, g) => s + g.filter((t) => t === mask).length, 0),
        emptyTokens: raw.reduce((s, g) => s + g.filter((t) => t === pad).length, 0),
        tokensPerSec: raw.reduce((s, g) => s + g.length, 0) / seconds,
      });
    }
    const out = { runDir: args['run-dir'], step: run.step, objective: kind, reference: args.reference ?? null, seed, temperature, rows };
    if (plot !== undefined) await writePlot(plot, out);
    if (args.json) process.stdout.write(`${JSON.stringify(out)}\n`);
    else {
      process.stdout.write(`step ${run.step} (${kind}), ${n} unprompted samples of ${length} tokens per row, temperature ${temperature}${args.reference ? `, scored by ${args.reference}` : ''}\n`);
      process.stdout.write('| sampler | steps | gen. perplexity | unigram entropy (nats) | distinct-1 / 2 / 3 | text tokens (empty dropped) | masks left | tokens/s |\n|---|---:|---:|---:|---|---:|---:|---:|\n');
      for (const r of rows) process.stdout.write(`| ${r.sampler} | ${r.steps ?? '—'} | ${r.genPerplexity === null ? '— (no --reference)' : `${r.genPerplexity.toFixed(2)}${r.genPerplexityInterval ? ` [${r.genPerplexityInterval.map((v) => v.toFixed(1)).join(', ')}]` : ''}`} | ${r.unigramEntropy.toFixed(3)} | ${[r.distinct1, r.distinct2, r.distinct3].map((d) => d.toFixed(3)).join(' / ')} | ${r.tokens} (${r.emptyTokens}) | ${r.masksLeft} | ${r.tokensPerSec.toFixed(0)} |\n`);
    }
  } finally {
    reference?.dispose();
    run.dispose();
  }
}

interface PlotRow { readonly sampler: string; readonly steps: number | null; readonly genPerplexity: number | null; readonly genPerplexityInterval: readonly number[] | null; readonly tokensPerSec: number }

/** Generative perplexity (where scored) and tokens/s against steps, one line per sampler; written whole or not at all. */
async function writePlot(file: string, out: { runDir: string; step: number; reference: string | null; rows: readonly PlotRow[] }): Promise<void> {
  const { specToSvg, svgToPng } = await import('@difflm/scaling-fit/report');
  const values = out.rows.map((r) => ({ sampler: r.sampler, steps: r.steps ?? 1, genPerplexity: r.genPerplexity, low: r.genPerplexityInterval?.[0] ?? null, high: r.genPerplexityInterval?.[1] ?? null, tokensPerSec: r.tokensPerSec }));
  const x = { field: 'steps', type: 'quantitative', scale: { type: 'log', nice: false, padding: 12 }, axis: { values: [...new Set(values.map((v) => v.steps))] }, title: 'denoising steps' };
  const color = { field: 'sampler', type: 'nominal' };
  const y = (field: string, title: string) => ({ field, type: 'quantitative', title, scale: { type: 'log', zero: false, nice: false, padding: 12 } });
  const line = (field: string, title: string) => ({ mark: { type: 'line', point: true }, encoding: { x, y: y(field, title), color, tooltip: [{ field: 'sampler' }, { field: 'steps' }, { field, format: '.3g' }] } });
  const panel = (field: string, title: string) => ({ width: 320, height: 240, ...line(field, title) });
  // Generative perplexity with its 95% interval over the samples as error bars.
  const perplexityPanel = {
    width: 320, height: 240,
    layer: [line('genPerplexity', 'generative perplexity (95% CI)'), { mark: { type: 'rule' }, encoding: { x, y: y('low', 'generative perplexity (95% CI)'), y2: { field: 'high' }, color } }],
  };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: `Generation quality of ${out.runDir} (step ${out.step})`, subtitle: out.reference ? `scored by ${out.reference}` : 'no --reference: generative perplexity not measured' },
    data: { values }, config: { font: 'sans-serif' },
    hconcat: [...(out.reference ? [perplexityPanel] : []), panel('tokensPerSec', 'generated tokens/s')],
  };
  const svg = await specToSvg(spec as unknown as Parameters<typeof specToSvg>[0]);
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, /\.png$/i.test(file) ? svgToPng(svg) : svg);
  renameSync(tmp, file);
}
