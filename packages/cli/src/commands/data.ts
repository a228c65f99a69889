// `difflm data prepare` tokenizes a corpus into packed shards; `difflm data info` describes a shard directory.
import { defineCommand } from 'citty';
import type { ShardMetadata, SplitStats } from '@difflm/data';

function parseNumber(flag: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new Error(`--${flag} needs a value (got an empty one, as from "--${flag}=")`);
  const n = Number(value);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) throw new Error(`--${flag} must be ${integer ? 'an integer' : 'a number'}, got "${value}"`);
  return n;
}

function splitSummary(s: SplitStats) {
  return { documents: s.documents, tokens: s.tokens, bytes: s.bytes, bytesPerToken: s.bytesPerToken, shards: s.shards.length };
}

/** The metadata without the (possibly megabyte) tokenizer body: what --json prints. */
function summary(dir: string, meta: ShardMetadata) {
  return {
    dir,
    corpus: meta.corpus,
    tokenizer: meta.tokenizer.kind,
    vocabSize: meta.vocabSize,
    special: meta.special,
    dtype: meta.dtype,
    seed: meta.seed,
    validationFraction: meta.validationFraction,
    unigramEntropy: meta.unigramEntropy,
    splits: { train: splitSummary(meta.splits.train), validation: splitSummary(meta.splits.validation) },
  };
}

function printHuman(s: ReturnType<typeof summary>): void {
  const line = (k: string, v: string) => process.stdout.write(`${k.padEnd(22)}${v}\n`);
  line('directory', s.dir);
  line('corpus', s.corpus);
  line('tokenizer', `${s.tokenizer} (V = ${s.vocabSize}, ${s.dtype})`);
  for (const name of ['train', 'validation'] as const) {
    const p = s.splits[name];
    line(name, `${p.documents} documents, ${p.tokens} tokens, ${p.bytesPerToken.toFixed(4)} bytes/token, ${p.shards} shard(s)`);
  }
  line('unigram entropy', `${s.unigramEntropy.natsPerToken.toFixed(4)} nats/token, ${s.unigramEntropy.bitsPerByte.toFixed(4)} bits/byte`);
}

const prepare = defineCommand({
  meta: { name: 'prepare', description: 'Tokenize a corpus into packed train/validation token shards.' },
  args: {
    corpus: { type: 'string', description: '"sotu" (embedded State of the Union corpus) or a .txt/.jsonl file or directory', default: 'sotu' },
    format: { type: 'string', description: 'how to read a single file: text (paragraphs are documents) or jsonl; default from the extension' },
    field: { type: 'string', description: 'JSONL field holding the text', default: 'text' },
    tokenizer: { type: 'string', description: 'byte | bpe | gpt2 | cl100k', default: 'byte' },
    'vocab-size': { type: 'string', description: 'bpe: vocabulary size including specials (default 4096)' },
    out: { type: 'string', description: 'output directory', required: true },
    'validation-fraction': { type: 'string', description: 'fraction of documents held out', default: '0.05' },
    seed: { type: 'string', description: 'seed of the train/validation split', default: '0' },
    'shard-tokens': { type: 'string', description: 'tokens per shard file (default 16777216)' },
    force: { type: 'boolean', description: 'replace a non-empty output directory', default: false },
    json: { type: 'boolean', description: 'print a JSON summary on stdout', default: false },
  },
  async run({ args }) {
    const data = await import('@difflm/data');
    const format = args.format as string | undefined;
    if (format !== undefined && format !== 'text' && format !== 'jsonl') throw new Error(`--format must be text or jsonl, got "${format}"`);
    // Every input is checked before the slow work starts.
    data.checkTokenizerKind(args.tokenizer);
    const vocabSize = parseNumber('vocab-size', args['vocab-size'], true);
    const validationFraction = parseNumber('validation-fraction', args['validation-fraction'], false);
    const seed = parseNumber('seed', args.seed, true);
    const shardTokens = parseNumber('shard-tokens', args['shard-tokens'], true);
    const outDir = data.checkOutputDirectory(args.out, { overwrite: args.force });
    const corpus = data.openCorpus(args.corpus, { format, field: args.field });

    const started = Date.now();
    if (!args.json) process.stderr.write(`preparing the ${args.tokenizer} tokenizer\n`);
    const tokenizer = await data.createTokenizer(args.tokenizer, { corpus, vocabSize });
    const { SingleBar, Presets } = (await import('cli-progress')).default;
    const bar = new SingleBar({ format: 'tokenizing [{bar}] {percentage}% | {docs} docs | {tokens} tokens | ETA {eta}s', stream: process.stderr }, Presets.shades_classic);
    let barStarted = false;
    try {
      const meta = await data.prepareShards({
        corpus, tokenizer, outDir, validationFraction, seed, shardTokens, overwrite: args.force,
        onProgress: (p) => {
          const total = p.totalBytes ?? p.bytes;
          if (!barStarted) { bar.start(total, 0, { docs: 0, tokens: 0 }); barStarted = true; }
          bar.setTotal(Math.max(total, p.bytes));
          bar.update(p.bytes, { docs: p.documents, tokens: p.tokens });
        },
      });
      if (barStarted) { bar.update(bar.getTotal()); bar.stop(); barStarted = false; }
      const s = summary(outDir, meta);
      if (args.json) process.stdout.write(JSON.stringify({ ...s, seconds: (Date.now() - started) / 1000 }) + '\n');
      else printHuman(s);
    } finally {
      if (barStarted) bar.stop();
    }
  },
});

const info = defineCommand({
  meta: { name: 'info', description: 'Describe a prepared shard directory.' },
  args: {
    dir: { type: 'positional', description: 'shard directory', required: true },
    json: { type: 'boolean', description: 'print JSON on stdout', default: false },
  },
  async run({ args }) {
    const { readShardMetadata } = await import('@difflm/data');
    const { resolve } = await import('node:path');
    const dir = resolve(args.dir);
    const s = summary(dir, readShardMetadata(dir));
    if (args.json) process.stdout.write(JSON.stringify(s) + '\n');
    else printHuman(s);
  },
});

export default defineCommand({
  meta: { name: 'data', description: 'Prepare and inspect packed token shards.' },
  subCommands: { prepare, info },
});
