// Run it: node --conditions=@difflm/source --import tsx examples/study/src/main.ts [dir]
import { runTinyStudy } from './tiny-study.js';

const dir = process.argv[2] ?? 'studies/tiny';
const out = await runTinyStudy({
  dir,
  onEvent: (e) => {
    if (e.type === 'run-done') process.stderr.write(`done ${e.label}: ELBO ${e.finalLoss.toFixed(3)} nats/token\n`);
  },
});
process.stdout.write(`${out.done} runs trained (${out.skipped} already done); report: ${out.report}\n`);
