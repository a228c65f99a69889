export type {
  Tokenizer, TokenizerSpec, TokenizerKind, SpecialTokenIds, DecodeOptions,
  ByteTokenizerSpec, BpeTokenizerSpec, GptTokenizerSpec, HfTokenizerJson,
} from './tokenizer.js';
export { SPECIAL_TOKEN_TEXT } from './tokenizer.js';
export { byteTokenizer, BYTE_SPECIAL_IDS, BYTE_VOCAB_SIZE } from './byte-tokenizer.js';
export { bpeTokenizer } from './bpe-tokenizer.js';
export { trainBpeTokenizer, BPE_MIN_VOCAB, BPE_MAX_VOCAB, type TrainBpeOptions } from './train-bpe.js';
export { gptTokenizer } from './gpt-tokenizers.js';
export { loadTokenizer, TOKENIZER_KINDS } from './load-tokenizer.js';
export { createTokenizer, checkTokenizerKind, DEFAULT_BPE_VOCAB, type CreateTokenizerOptions } from './create-tokenizer.js';
export type { Corpus, CorpusDocument, CorpusFormat, FileCorpusOptions } from './corpus.js';
export { sotuCorpus } from './sotu-corpus.js';
export { textCorpus } from './text-corpus.js';
export { jsonlCorpus } from './jsonl-corpus.js';
export { directoryCorpus } from './directory-corpus.js';
export { openCorpus, type OpenCorpusOptions } from './open-corpus.js';
export { prepareShards, type PrepareShardsOptions, type PrepareProgress } from './prepare-shards.js';
export { checkOutputDirectory, processAlive, removeDeadPartials } from './atomic-directory.js';
export { faultPoint } from './fault-injection.js';
export {
  readShardMetadata, SHARD_FORMAT, SHARD_FORMAT_VERSION,
  type ShardMetadata, type ShardDtype, type SplitName, type SplitStats, type ShardFile,
} from './shard-metadata.js';
export { openShards, type ShardSet } from './open-shards.js';
export type { TokenBatchSource, BatchSourceOptions, BatchPosition } from './batch-source.js';
export { unigramEntropy, readUnigramCounts, type UnigramStats, type UnigramEntropy } from './unigram-entropy.js';
