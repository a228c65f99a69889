// Coverage of the joint fit's two 95% intervals on synthetic copies of a preset (ADR 0006):
//   RESAMPLES=200 node --conditions=@difflm/source --import tsx bench/joint-interval-coverage.ts <preset> <noise> <studies> [spread]
import { bootstrapApproach3VarPro, runNoiseApproach3VarPro, createFitRng } from '@difflm/scaling-fit';
import { studyPreset } from '../src/presets.js';
import { parseStudyDefinition } from '../src/study-definition.js';
import { planStudy } from '../src/study-plan.js';
import { studyDesign } from '../src/study-designs.js';
import { syntheticRuns, lawAlphaM } from '../src/design-simulation.js';

const [preset = 'quick', groupArg = 'masked', nArg = '60', spreadArg] = process.argv.slice(2);
const plan = planStudy(parseStudyDefinition(studyPreset(preset)));
const prior = plan.definition.prior!;
const law = prior.law!;
const noise0 = prior.noise![groupArg]!;
const noise = spreadArg ? { ...noise0, spread: Number(spreadArg) } : noise0;
const truth = lawAlphaM(law);
const def = { ...plan.definition, evaluation: { ...plan.definition.evaluation, loss: 'held-out' as const } };
const design = studyDesign(def);
const rng = createFitRng(11);
const n = Number(nArg);
const res = { pairs: { cover: 0, hw: [] as number[] }, runNoise: { cover: 0, hw: [] as number[] } };
const est: number[] = [];
for (let k = 0; k < n; k++) {
  const runs = syntheticRuns(plan, law, noise, rng, groupArg);
  const m = design.measure(def, runs);
  const pts = m.scalingRuns.map((r) => ({ n: r.flopsPerToken!, d: r.tokens!, loss: r.loss!, trajectory: (r as { trajectory?: string }).trajectory }));
  try {
    const p = bootstrapApproach3VarPro(pts, { resamples: Number(process.env.RESAMPLES ?? 200), seed: k });
    const rn = runNoiseApproach3VarPro(pts, noise, { resamples: Number(process.env.RESAMPLES ?? 200), seed: k });
    est.push(p.fit.allocation);
    for (const [name, b] of [['pairs', p], ['runNoise', rn]] as const) {
      const iv = b.intervals.allocation;
      if (iv.lower <= truth && truth <= iv.upper) res[name].cover++;
      res[name].hw.push((iv.upper - iv.lower) / 2);
    }
  } catch (e) { console.error('fail', (e as Error).message); }
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sorted = [...est].sort((a, b) => a - b);
const spread = (sorted[Math.floor(0.975 * (sorted.length - 1))]! - sorted[Math.floor(0.025 * (sorted.length - 1))]!) / 2;
console.log(JSON.stringify({ preset, group: groupArg, noise, truth, studies: est.length, estimateHalfWidth95: spread,
  pairs: { coverage: res.pairs.cover / est.length, medianHalfWidth: med(res.pairs.hw) },
  runNoise: { coverage: res.runNoise.cover / est.length, medianHalfWidth: med(res.runNoise.hw) } }));
