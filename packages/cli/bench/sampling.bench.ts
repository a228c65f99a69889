// Sampling throughput of block-wise generation after a prompt, with and without the prefix cache (generate()'s
// prefixDenoiser: the clean prefix's keys and values once per block, then only the block's positions per step),
// on the native backend where it loads and on wasm; models with random weights (speed only), masked noise, the
// ancestral sampler, one step per generated token. Writes bench-results/sampling.{json,md}. `--quick`: one repetition.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { selectBackend } from '@difflm/backends';
import { createTransformer, type ModelConfigInput } from '@difflm/models';
import { createObjective, createRng, generate } from '@difflm/noise';

const quick = process.argv.includes('--quick');
const outDir = process.env.DIFFLM_BENCH_OUT ?? join(process.cwd(), 'bench-results');

interface Case { name: string; config: ModelConfigInput; batch: number; prompt: number; block: number }
const cases: Case[] = [
  { name: 'quick L2-D16 V259', config: { vocabSize: 259, seqLen: 64, dModel: 16, nLayers: 2, nHeads: 1 }, batch: 16, prompt: 48, block: 8 },
  { name: 'L2-D128-H4 V256', config: { vocabSize: 256, seqLen: 256, dModel: 128, nLayers: 2, nHeads: 4 }, batch: 8, prompt: 192, block: 16 },
  { name: 'L6-D384-H6 V256', config: { vocabSize: 256, seqLen: 256, dModel: 384, nLayers: 6, nHeads: 6 }, batch: 4, prompt: 192, block: 16 },
];
interface Row { backend: string; model: string; batch: number; prompt: number; generated: number; block: number; stepsPerBlock: number; fullTokensPerSec: number; cachedTokensPerSec: number; speedup: number; same: boolean }

const rows: Row[] = [];
for (const backend of ['native', 'wasm']) {
  try { await selectBackend(backend); } catch (e) { process.stdout.write(`${backend}: not available (${(e as Error).message.split('\n')[0]}), skipped\n`); continue; }
  for (const c of cases) {
    if (backend === 'wasm' && c.config.dModel! > 128) continue; // minutes per configuration on wasm
    const model = createTransformer(c.config, { seed: 0 });
    // CompleteP zeroes the head; give it weights so the logits (and the samples) depend on the inputs.
    const donor = createTransformer(c.config, { seed: 1 });
    const head = donor.params.find((p) => p.name === 'embed')!.variable.transpose();
    model.params.find((p) => p.name === 'lm_head')!.variable.assign(head);
    head.dispose();
    donor.dispose();
    const V = c.config.vocabSize, N = c.config.seqLen!;
    const objective = createObjective({ id: 'difflm/masked' }, { vocabSize: V, maskId: V - 1, padId: null });
    const prompt = [Int32Array.from({ length: c.prompt }, (_, i) => (i * 31 + 7) % (V - 1))];
    const run = async (cached: boolean): Promise<{ seconds: number; rows: Int32Array[] }> => {
      const t0 = performance.now();
      const out = await generate({
        objective, denoise: (zt, mask) => model.apply(zt, mask), batchSize: c.batch, seqLen: N, steps: c.block, blockLength: c.block, prompt,
        sampler: 'ancestral', grid: 'cosine', rng: createRng(3), ...(cached ? { prefixDenoiser: model } : {}),
      });
      return { seconds: (performance.now() - t0) / 1000, rows: out };
    };
    await run(true); await run(false); // warm-up
    const reps = quick ? 1 : 3;
    let full = Infinity, cached = Infinity, same = true;
    for (let r = 0; r < reps; r++) {
      const a = await run(false), b = await run(true);
      full = Math.min(full, a.seconds); cached = Math.min(cached, b.seconds);
      same &&= a.rows.every((row, i) => row.every((t, j) => t === b.rows[i]![j]));
    }
    const generated = c.batch * (N - c.prompt);
    rows.push({ backend, model: c.name, batch: c.batch, prompt: c.prompt, generated: N - c.prompt, block: c.block, stepsPerBlock: c.block, fullTokensPerSec: generated / full, cachedTokensPerSec: generated / cached, speedup: full / cached, same });
    process.stdout.write(`${backend} ${c.name}: ${(generated / full).toFixed(0)} → ${(generated / cached).toFixed(0)} tokens/s (${(full / cached).toFixed(2)}x), samples ${same ? 'identical' : 'differ'}\n`);
    model.dispose();
  }
}

mkdirSync(outDir, { recursive: true });
const meta = { bench: 'sampling', date: new Date().toISOString(), node: process.version, quick };
writeFileSync(join(outDir, 'sampling.json'), JSON.stringify({ ...meta, rows }, null, 2));
const md = [
  `# Block-wise sampling with and without the prefix cache (${meta.date}, node ${meta.node}${quick ? ', --quick' : ''})`,
  '',
  `Masked noise, ancestral sampler, one step per generated token, a prompt then blocks; random weights (speed only); best of ${quick ? 1 : 3} repetitions, alternating the two ways. Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}. \`pnpm bench sampling\`.`,
  '',
  'On native the full path runs the fused attention kernel and the cached path composite attention (the kernel\'s contract is square): for a tiny model, whose steps are bound by per-operation overhead, that can cost more than the fewer positions save.',
  '',
  '| backend | model | batch | prompt + generated | block | tokens/s, every step on the whole sequence | tokens/s, prefix cache | speed-up | same samples |',
  '|---|---|---:|---|---:|---:|---:|---:|---|',
  ...rows.map((r) => `| ${r.backend} | ${r.model} | ${r.batch} | ${r.prompt} + ${r.generated} | ${r.block} | ${r.fullTokensPerSec.toFixed(0)} | ${r.cachedTokensPerSec.toFixed(0)} | ${r.speedup.toFixed(2)}x | ${r.same ? 'yes' : 'no'} |`),
  '',
].join('\n');
writeFileSync(join(outDir, 'sampling.md'), md);
process.stdout.write(md);
