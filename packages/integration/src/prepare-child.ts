// A corpus-preparation process for the kill test: `prepare-child.ts <corpus>`, caching under $DIFFLM_CACHE_DIR
// the way `difflm train` and a study's run processes do. Prints the shard directory.
import { preparedCorpusDir } from '@difflm/cli';

const [corpus] = process.argv.slice(2);
if (!corpus) throw new Error('usage: prepare-child.ts <corpus>');
process.stdout.write(`${await preparedCorpusDir(corpus)}\n`);
