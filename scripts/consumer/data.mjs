// @difflm/data from its packed tarball: tokenizers round-trip, the embedded corpus prepares into shards,
// and a batch source resumes exactly from a saved position.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { byteTokenizer, createTokenizer, loadTokenizer, openShards, prepareShards, sotuCorpus, unigramEntropy } from '@difflm/data';

const fail = (msg) => { console.error(`consumer/data: ${msg}`); process.exit(1); };
const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
const root = mkdtempSync(join(tmpdir(), 'difflm-consumer-data-'));
try {
  const text = 'State of the Union — ünïcödé 世界 🎉';
  const gpt2 = await createTokenizer('gpt2');
  if (!same(gpt2.encode('hello world'), [31373, 995])) fail('gpt2 ids of "hello world"');
  const corpus = sotuCorpus({ limit: 4 });
  const bpe = await createTokenizer('bpe', { corpus, vocabSize: 512 });
  for (const tok of [byteTokenizer(), gpt2, bpe]) {
    if (tok.decode(tok.encode(text)) !== text) fail(`${tok.kind} round trip`);
    const again = await loadTokenizer(JSON.parse(JSON.stringify(tok.toSpec())));
    if (!same(again.encode(text), tok.encode(text))) fail(`${tok.kind} spec reload`);
  }

  const out = join(root, 'shards');
  const meta = await prepareShards({ corpus, tokenizer: byteTokenizer(), outDir: out, validationFraction: 0.25, shardTokens: 10_000 });
  if (meta.splits.train.documents + meta.splits.validation.documents !== 4) fail('document count');
  const h = unigramEntropy(out);
  if (!(h.natsPerToken > 2 && h.natsPerToken < Math.log(260))) fail(`unigram entropy ${h.natsPerToken}`);

  const set = openShards(out);
  const opts = { batchSize: 4, seqLen: 128, seed: 1 };
  const a = set.createBatchSource(opts);
  a.next(); a.next();
  const pos = JSON.parse(JSON.stringify(a.getPosition()));
  const expected = [a.next(), a.next()];
  const b = set.createBatchSource(opts);
  b.setPosition(pos);
  if (!expected.every((batch) => same(Array.from(b.next()), Array.from(batch)))) fail('resume from getPosition');
  set.close();
  console.log(`consumer/data ok: ${meta.splits.train.tokens} train tokens, unigram entropy ${h.natsPerToken.toFixed(3)} nats/token`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
