// The held-out documents of a prepared corpus, as text: the validation split the runs never train on, cut at its
// end-of-document tokens.
import { openShards } from '@difflm/data';

export async function heldOutDocuments(dataDir: string): Promise<string[]> {
  const shards = openShards(dataDir);
  try {
    const tokenizer = await shards.tokenizer();
    const ids = shards.readTokens('validation', 0, shards.metadata.splits.validation.tokens);
    const docs: string[] = [];
    let start = 0;
    for (let i = 0; i <= ids.length; i++) {
      if (i === ids.length || ids[i] === tokenizer.special.eos) {
        if (i > start) docs.push(tokenizer.decode(ids.subarray(start, i)));
        start = i + 1;
      }
    }
    return docs;
  } finally {
    shards.close();
  }
}
