// Run it: node --conditions=@difflm/source --import tsx examples/quickstart/src/main.ts
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quickstart } from './quickstart.js';

const { elbo, samples } = await quickstart({
  dataDir: join(mkdtempSync(join(tmpdir(), 'difflm-quickstart-')), 'shards'),
  onStep: (step, e) => { if (step % 20 === 0) process.stderr.write(`step ${step}: ELBO ${e.toFixed(3)} nats/token\n`); },
});
process.stdout.write(`ELBO ${elbo[0]!.toFixed(3)} → ${elbo.at(-1)!.toFixed(3)} nats/token\n`);
for (const s of samples) process.stdout.write(`sample: ${JSON.stringify(s)}\n`);
