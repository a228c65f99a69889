// Train a byte-level BPE tokenizer on a corpus with the `tokenizers` package (Hugging Face, native).
// Its Node binding exposes only the default trainer (target 30000, no special tokens) and writes
// progress to stdout, so training runs in a child process with stdout discarded; BPE training is
// greedy, so the first k merges of that run are exactly the merges of a run with a smaller target.
// The result is laid out as SPEC §5 lays out the paper's tokenizer: BOS 0, EOS 1, PAD 2, MASK 3, then
// the 256 byte-level symbols (so every string is encodable), then the merges in training order.
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { BYTE_TO_CHAR } from './byte-level.js';
import { bpeTokenizer } from './bpe-tokenizer.js';
import type { Corpus } from './corpus.js';
import { SPECIAL_TOKEN_TEXT, type HfTokenizerJson, type SpecialTokenIds, type Tokenizer } from './tokenizer.js';

/** Smallest BPE vocabulary: 4 specials + 256 byte symbols. */
export const BPE_MIN_VOCAB = 260;
/** Largest: the target of the tokenizers package's default trainer. */
export const BPE_MAX_VOCAB = 30000;

/** Options of {@link trainBpeTokenizer}. */
export interface TrainBpeOptions {
  readonly corpus: Corpus;
  /** Target vocabulary size including the 4 specials, in [260, 30000]. The result is smaller when the corpus runs out of pairs. */
  readonly vocabSize: number;
}

const SPECIAL_ORDER: readonly (keyof SpecialTokenIds)[] = ['bos', 'eos', 'pad', 'mask'];

function runTrainer(textFile: string, outFile: string): Promise<void> {
  const tokenizersPath = createRequire(import.meta.url).resolve('tokenizers');
  const code = `const t=require(${JSON.stringify(tokenizersPath)});const k=new t.Tokenizer(t.BPE.empty());` +
    `k.setPreTokenizer(t.byteLevelPreTokenizer(false,true));k.train([${JSON.stringify(textFile)}]);k.save(${JSON.stringify(outFile)});`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', code], { maxBuffer: 64 * 1024 * 1024 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`bpe training with the tokenizers package failed: ${stderr.trim() || err.message}`));
      else resolve();
    });
  });
}

/** Lay out vocab and merges as described above, keeping the first `vocabSize - 260` trained merges. */
export function bpeJsonFromMerges(merges: readonly (readonly [string, string])[], vocabSize: number): HfTokenizerJson {
  const vocab: Record<string, number> = {};
  SPECIAL_ORDER.forEach((k, id) => { vocab[SPECIAL_TOKEN_TEXT[k]] = id; });
  let next = SPECIAL_ORDER.length;
  for (const ch of BYTE_TO_CHAR) vocab[ch] = next++;
  const kept: [string, string][] = [];
  for (const [a, b] of merges) {
    if (next >= vocabSize) break;
    if (vocab[a] === undefined || vocab[b] === undefined || vocab[a + b] !== undefined) continue;
    vocab[a + b] = next++;
    kept.push([a, b]);
  }
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_ORDER.map((k, id) => ({
      id, content: SPECIAL_TOKEN_TEXT[k], single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
    })),
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: null,
    decoder: byteLevel,
    model: {
      type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges: kept,
    },
  };
}

/** Train a BPE tokenizer on the corpus (reads it once into a temporary file, removed afterwards). */
export async function trainBpeTokenizer(options: TrainBpeOptions): Promise<Tokenizer> {
  const { corpus, vocabSize } = options;
  if (!Number.isInteger(vocabSize) || vocabSize < BPE_MIN_VOCAB || vocabSize > BPE_MAX_VOCAB) {
    throw new Error(`bpe: vocabSize must be an integer in [${BPE_MIN_VOCAB}, ${BPE_MAX_VOCAB}] (4 specials + 256 bytes + merges), got ${vocabSize}`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'difflm-bpe-'));
  try {
    const textFile = join(dir, 'corpus.txt');
    const out = createWriteStream(textFile, { encoding: 'utf8' });
    let documents = 0;
    for await (const doc of corpus.documents()) {
      if (!out.write(doc.text + '\n')) await once(out, 'drain');
      documents++;
    }
    out.end();
    await once(out, 'finish');
    if (documents === 0) throw new Error(`corpus ${corpus.name} is empty: it has no non-empty documents`);
    const outFile = join(dir, 'tokenizer.json');
    await runTrainer(textFile, outFile);
    const trained = JSON.parse(await readFile(outFile, 'utf8')) as HfTokenizerJson;
    const merges = trained.model.merges.map((m: unknown) => (typeof m === 'string' ? (m.split(' ') as [string, string]) : (m as [string, string])));
    return bpeTokenizer({ kind: 'bpe', tokenizerJson: bpeJsonFromMerges(merges, vocabSize) });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
