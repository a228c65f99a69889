// Facts the training benchmark script needs from TypeScript: FLOPs per token, tokens per step, native status.
import { nativeInfo } from '@difflm/backend-native';
import { referenceConfigs, trainFlopsPerToken, type TrainConfigName } from './reference-configs.js';

const names = Object.keys(referenceConfigs) as TrainConfigName[];
console.log(JSON.stringify({
  flopsPerToken: Object.fromEntries(names.map((n) => [n, trainFlopsPerToken(referenceConfigs[n])])),
  tokensPerStep: Object.fromEntries(names.map((n) => [n, referenceConfigs[n].batch * referenceConfigs[n].seqLen])),
  native: nativeInfo(),
}));
