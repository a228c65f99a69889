// Facts the training benchmark script needs from TypeScript: FLOPs per token, tokens per step, native status.
import { nativeInfo } from '@difflm/backend-native';
import { referenceConfigs, trainFlopsPerToken } from './reference-configs.js';

const names = ['a', 'b'] as const;
console.log(JSON.stringify({
  flopsPerToken: Object.fromEntries(names.map((n) => [n, trainFlopsPerToken(referenceConfigs[n])])),
  tokensPerStep: Object.fromEntries(names.map((n) => [n, referenceConfigs[n].batch * referenceConfigs[n].seqLen])),
  native: nativeInfo(),
}));
