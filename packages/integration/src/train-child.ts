// A training process for the kill-and-resume test: `train-child.ts <runDir> <configJson|--resume>`.
import { useBackend } from '@difflm/test-utils';
import { defaultRunComponents } from '@difflm/cli';
import { runTraining } from '@difflm/trainer/node';

const [runDir, arg] = process.argv.slice(2);
if (!runDir || !arg) throw new Error('usage: train-child.ts <runDir> <configJson|--resume>');
await useBackend('wasm'); // the same backend as the test process: identical float results
const resume = arg === '--resume';
await runTraining({ runDir, components: defaultRunComponents(), resume, ...(resume ? {} : { config: JSON.parse(arg) as unknown }) });
