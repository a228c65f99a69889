// Consumer check for @difflm/scaling-fit: recover a known Chinchilla-style law from synthetic runs through the
// published package, read a CSV, and render one report figure through the "./report" subpath.
import { fitApproach3, chinchillaGrid, fitStudy, parseCsv, runsFromRecords, computeOptimal } from '@difflm/scaling-fit';
import { renderReport } from '@difflm/scaling-fit/report';

const law = { A: 406.4, B: 410.7, E: 1.69, alpha: 0.34, beta: 0.28 };
let s = 7;
const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
const rows = ['N,D,L'];
for (let i = 0; i < 120; i++) {
  const n = Math.exp(Math.log(5e7) + rand() * Math.log(300)), d = Math.exp(Math.log(3e8) + rand() * Math.log(1000));
  rows.push(`${n},${d},${(law.E + law.A / n ** law.alpha + law.B / d ** law.beta) * Math.exp(0.002 * (rand() - 0.5))}`);
}
const runs = runsFromRecords(parseCsv(rows.join('\n')), { params: 'N', tokens: 'D', loss: 'L' });
const fit = fitApproach3(runs.map((r) => ({ n: r.params, d: r.tokens, loss: r.loss })), { starts: chinchillaGrid().filter((_, i) => i % 45 === 0) });
const fail = (m) => { console.error(`scaling-fit consumer: ${m}`); process.exit(1); };
if (Math.abs(fit.alpha - law.alpha) > 0.02 || Math.abs(fit.beta - law.beta) > 0.02 || Math.abs(fit.E - law.E) > 0.05) fail(`recovered ${JSON.stringify(fit)}`);
const opt = computeOptimal(fit, 1e21);
if (!(Math.abs(6 * opt.size * opt.tokens / 1e21 - 1) < 1e-9)) fail('compute-optimal allocation does not spend the budget');

const sweep = [];
for (let k = 0; k < 5; k++) {
  const C = 1e18 * 10 ** (k * 0.4), mStar = 0.01 * C ** 0.566;
  for (let j = -2; j <= 2; j++) sweep.push({ flopsPerToken: mStar * Math.exp(0.6 * j), compute: C, loss: 30 * C ** -0.05 * Math.exp(0.04 * (0.6 * j) ** 2) });
}
const study = fitStudy(sweep, { frontier: { resamples: 200 } });
const aM = study.exponentTable[0].alphaM.estimate;
if (Math.abs(aM - 0.566) > 1e-3) fail(`alpha_M = ${aM}`);
const report = await renderReport(study);
if (!report.svgs['frontier-loss.svg']?.startsWith('<svg') || report.pngs['frontier-loss.png']?.[1] !== 0x50) fail('report rendering');
console.log(`scaling-fit ok: alpha=${fit.alpha.toFixed(4)} beta=${fit.beta.toFixed(4)} alpha_M=${aM.toFixed(4)}, ${Object.keys(report.svgs).length} figures`);
