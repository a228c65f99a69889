// Facts the training benchmark script needs from TypeScript: the configs, FLOPs per token, tokens per step, native
// status, and with `--webgpu` the WebGPU adapter (@difflm/backend-webgpu, a devDependency, imported only then).
import { nativeInfo } from '@difflm/backend-native';
import { defaultConfigs, referenceConfigs, trainFlopsPerToken, type TrainConfigName } from './reference-configs.js';

const names = Object.keys(referenceConfigs) as TrainConfigName[];
let webgpu: { available: true; adapter: string; software: boolean } | { available: false; reason: string } | undefined;
if (process.argv.includes('--webgpu')) {
  const m = await import('@difflm/backend-webgpu');
  const info = await m.webgpuInfo();
  webgpu = info.available ? { available: true, adapter: m.describeAdapter(info), software: info.software } : { available: false, reason: info.reason };
}
console.log(JSON.stringify({
  configs: names,
  shapes: referenceConfigs,
  defaultConfigs,
  flopsPerToken: Object.fromEntries(names.map((n) => [n, trainFlopsPerToken(referenceConfigs[n])])),
  tokensPerStep: Object.fromEntries(names.map((n) => [n, referenceConfigs[n].batch * referenceConfigs[n].seqLen])),
  native: nativeInfo(),
  ...(webgpu ? { webgpu } : {}),
}));
// Dawn (when loaded) keeps the event loop alive.
process.exit(0);
