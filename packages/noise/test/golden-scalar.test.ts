// Golden tests of the float64 scalar path against every float64 case of the authors' code
// (../shared/fixtures, README §5: relative 1e−10 plus absolute 1e−12).
import { describe, expect, it } from 'vitest';
import {
  alphaAt, createNoiseRegistry, giddAt, giddLogB, giddSchedule, giddWeight, klAndIs, linearSchedule, logLinearSchedule,
  marginalVector, mdlmDSigma, mdlmLogitsAtT, mdlmSigma, mixingAt, piVector, dPiVector, timeRange, tokenWeights,
  samplePrior, createRng, type LogSnrSchedule, type NoiseProcess, type TokenSpace, type WeightSettings,
} from '../src/index.js';
import { casesOf, closeAll, fixtureSkip, flat, type FixtureCase } from './gidd-fixtures.js';

const REL = 1e-10, ABS = 1e-12;
const tokens: TokenSpace = { vocabSize: 8, maskId: 7, padId: null };
const registry = createNoiseRegistry();
const run = fixtureSkip ? describe.skip : describe;

const expectClose = (actual: ArrayLike<number>, expected: unknown, what: string, rel = REL, abs = ABS): void => {
  const problem = closeAll(actual, flat(expected), rel, abs);
  expect(problem, what).toBeUndefined();
};

function hybridOf(c: FixtureCase): NoiseProcess {
  return registry.create({ id: 'difflm/hybrid', options: { a: c.params.hybrid_scale as number, b: c.params.hybrid_shift as number } }, tokens);
}
const rangeOf = (c: FixtureCase): [number, number] => [c.params.min_log_snr as number, c.params.max_log_snr as number];
/** λ per token (12 values) from a case's log_snr input (scalar or [2, 6]). */
const lambdas = (c: FixtureCase): number[] => { const l = flat(c.inputs.log_snr); return l.length === 1 ? new Array<number>(12).fill(l[0]!) : l; };

function aSettings(c: FixtureCase): WeightSettings {
  return { schedule: linearSchedule({ minLogSnr: rangeOf(c)[0], maxLogSnr: rangeOf(c)[1] }), weighting: 'unweighted-elbo', lossWeightClip: 1e3, elboWeightClip: 1e6, lossWeightRange: [0, 2], denominatorFloor: 0 };
}

run(`golden float64, scaling-paper code (A) ${fixtureSkip ?? ''}`, () => {
  it('pi_lambda and pi_lambda_prime (scalar and per-token λ)', () => {
    for (const [fn, key, f] of [['MixingSchedule.pi_lambda', 'pi', piVector], ['MixingSchedule.pi_lambda_prime', 'pi_prime', dPiVector]] as const) {
      const cases = casesOf(fn);
      expect(cases.length).toBe(15);
      for (const c of cases) {
        const p = hybridOf(c);
        const ls = flat(c.inputs.log_snr);
        expectClose(ls.flatMap((l) => [...f(p, l)]), c.outputs[key], c.id);
      }
    }
  });
  it('pi_lambda_at_ids, pi_lambda_prime_at_ids', () => {
    for (const [fn, key, which] of [['MixingSchedule.pi_lambda_at_ids', 'pi_at_z', 'c'], ['MixingSchedule.pi_lambda_prime_at_ids', 'pi_prime_at_z', 'dc']] as const) {
      for (const c of casesOf(fn)) {
        const p = hybridOf(c);
        const z = flat(c.inputs.input_ids_z);
        const got = lambdas(c).map((l, i) => { const m = mixingAt(p, l)[which]; return p.bases.reduce((s, b, k) => s + m[k]! * b.probs[z[i]!]!, 0); });
        expectClose(got, c.outputs[key], c.id);
      }
    }
  });
  it('marginal_probs, marginal_probs_from_ids', () => {
    for (const fn of ['MixingSchedule.marginal_probs', 'MixingSchedule.marginal_probs_from_ids']) {
      const cases = casesOf(fn);
      expect(cases.length).toBe(15);
      for (const c of cases) {
        const p = hybridOf(c);
        const x = flat(c.inputs.labels_x);
        expectClose(lambdas(c).flatMap((l, i) => [...marginalVector(p, l, x[i]!, rangeOf(c))]), c.outputs.marginal_probs, c.id);
      }
    }
  });
  it('get_loss_weights and get_elbo_weights (raw)', () => {
    for (const c of [...casesOf('MixingSchedule.get_loss_weights'), ...casesOf('MixingSchedule.get_elbo_weights')]) {
      const p = hybridOf(c);
      const x = flat(c.inputs.labels_x), z = flat(c.inputs.input_ids_z);
      const sched = aSettings(c).schedule;
      const w = lambdas(c).map((l, i) => giddWeight(p, l, x[i]!, z[i]!));
      expectClose(w, c.outputs.loss_weights, c.id);
      if (c.outputs.elbo_weights) {
        expectClose(lambdas(c).map((l) => sched.density(l)), c.outputs.p_log_snr, c.id);
        expectClose(w.map((wi, i) => wi / sched.density(lambdas(c)[i]!)), c.outputs.elbo_weights, c.id);
      }
    }
  });
  it('GiddLoss: loss, elbo, kl_loss, is_loss per token', () => {
    const cases = casesOf('GiddLoss.__call__');
    expect(cases.length).toBe(18);
    for (const c of cases) {
      const p = hybridOf(c);
      const beta = c.params.beta_is_div as number;
      const x = flat(c.inputs.labels_x), z = flat(c.inputs.input_ids_z), logits = flat(c.inputs.logits);
      const out = { loss: [] as number[], elbo: [] as number[], kl: [] as number[], is: [] as number[] };
      lambdas(c).forEach((l, i) => {
        const w = tokenWeights(p, aSettings(c), l, x[i]!, z[i]!, 7);
        const t = klAndIs(p, l, logits.slice(i * 8, i * 8 + 8), x[i]!, z[i]!, 7, rangeOf(c));
        out.loss.push(w.loss * (t.kl + beta * t.is)); out.elbo.push(w.elbo * (t.kl + t.is));
        out.kl.push(w.loss * t.kl); out.is.push(w.loss * t.is);
      });
      expectClose(out.loss, c.outputs.loss, `${c.id} loss`);
      // elbo = (w/p(λ))·(KL + IS): at |λ| = 9, KL + IS (~1e−8) is a cancellation of O(1e−4) terms and 1/p(λ) ≈ 8e3
      // lifts it out of the absolute tolerance, so both codes' float64 rounding shows at ~5e−9 relative.
      expectClose(out.elbo, c.outputs.elbo, `${c.id} elbo`, 2e-8, ABS);
      expectClose(out.kl, c.outputs.kl_loss, `${c.id} kl`);
      expectClose(out.is, c.outputs.is_loss, `${c.id} is`, REL, 1e-11);
    }
  });
  it('sample_prior (masked): every position is the mask', () => {
    const cases = casesOf('MixingSchedule.sample_prior');
    expect(cases.length).toBe(1);
    const masked = hybridOf({ ...cases[0]!, params: { ...cases[0]!.params, hybrid_scale: 1, hybrid_shift: -1000 } });
    expect(Array.from(samplePrior(masked, -9, 12, createRng(0)))).toEqual(flat(cases[0]!.outputs.prior_ids));
  });
  it('alpha, p(λ), time↔λ maps of the linear schedule', () => {
    const range: [number, number] = [-9, 9];
    const s = linearSchedule();
    for (const c of casesOf('MixingSchedule.alpha_from_log_snr')) expectClose(flat(c.inputs.log_snr).map((l) => alphaAt(l, range)), c.outputs.alpha, c.id);
    for (const c of casesOf('MixingSchedule.p_log_snr')) expectClose(flat(c.inputs.log_snr).map((l) => s.density(l)), c.outputs.p_log_snr, c.id);
    for (const c of casesOf('MixingSchedule.time_from_log_snr')) expectClose(flat(c.inputs.log_snr).map((l) => s.timeFromLogSnr(l)), c.outputs.time, c.id);
    const cases = casesOf('MixingSchedule.log_snr_from_time');
    expect(cases.length).toBe(2);
    for (const c of cases) {
      const sc = linearSchedule({ minLogSnr: c.params.min_log_snr as number, maxLogSnr: c.params.max_log_snr as number });
      expectClose(flat(c.inputs.time).map((t) => sc.logSnrFromTime(t)), c.outputs.log_snr, c.id);
      expectClose(timeRange(sc), [c.outputs['rate.t_min'], c.outputs['rate.t_max']], c.id);
    }
  });
});

function giddOf(c: FixtureCase): { p: NoiseProcess; s: LogSnrSchedule; logB: number } {
  const pUniform = c.params.p_uniform_arg as number;
  return { p: registry.create({ id: 'difflm/gidd', options: { pUniform } }, tokens), s: giddSchedule(pUniform), logB: giddLogB(pUniform, 1) };
}
/** t per token (12) from the per-row t input. */
const timesOf = (c: FixtureCase): number[] => flat(c.inputs.t).flatMap((t) => new Array<number>(6).fill(t));
const weightingOf = (c: FixtureCase): WeightSettings['weighting'] => ({ none: 'elbo', clip: 'clip', dynamic: 'dynamic' } as const)[c.params.loss_weighting as 'none'];

run(`golden float64, GIDD code (B) ${fixtureSkip ?? ''}`, () => {
  it('HybridDiffusion constants', () => {
    for (const c of casesOf('HybridDiffusion.__init__')) {
      const { p, logB } = giddOf(c);
      expectClose([logB, Math.exp(logB) / (2 + Math.exp(logB))], [c.outputs.log_B, c.outputs.p_uniform_effective], c.id);
      expectClose(p.bases[1]!.probs, c.outputs.mask, c.id);
      expectClose(p.bases[0]!.probs, c.outputs.unif, c.id);
      // log prior = log π at t = 1 (c_1 = 0, so the mask), floored at −1000 as [G] does; log γ = 0 for γ = 1.
      const g = giddAt(1, logB, 1);
      expectClose([0, 1, 2, 3, 4, 5, 6, 7].map((v) => Math.max(Math.log((v === 7 ? 1 : g.c / 7) / (1 + g.c)), -1000)), c.outputs.log_prior, c.id);
      expectClose([Math.log(1)], [c.outputs.log_gamma], c.id);
    }
  });
  it('get_alpha_betapi and probs_at_t', () => {
    for (const c of casesOf('HybridDiffusion.get_alpha_betapi')) {
      const { logB } = giddOf(c);
      const ts = flat(c.inputs.t);
      expectClose(ts.map((t) => giddAt(t, logB, 1).alpha), c.outputs.alpha_t, c.id);
      expectClose(ts.flatMap((t) => { const g = giddAt(t, logB, 1); return [0, 1, 2, 3, 4, 5, 6, 7].map((v) => (v === 7 ? t : g.c / 7) / (1 + g.c)); }), c.outputs.beta_pi, c.id);
    }
    for (const c of casesOf('HybridDiffusion.probs_at_t')) {
      const { p, s } = giddOf(c);
      const x = flat(c.inputs.labels_x);
      const got = timesOf(c).flatMap((t, i) => [...marginalVector(p, s.logSnrFromTime(t), x[i]!, [s.minLogSnr, s.maxLogSnr])]);
      expectClose(got, c.outputs.probs, c.id, 1e-9, ABS);
    }
  });
  it('GiddLoss.get_weights: alpha ratio, ELBO weights, none/clip/dynamic loss weights', () => {
    const cases = casesOf('GiddLoss.get_weights');
    expect(cases.length).toBe(24);
    for (const c of cases) {
      const { p, s, logB } = giddOf(c);
      expectClose(flat(c.inputs.t).map((t) => { const g = giddAt(t, logB, 1); return -1 / (1 - t) - g.dc / (1 + g.c); }), c.outputs.alpha_ratio, c.id);
      const settings: WeightSettings = { schedule: s, weighting: weightingOf(c), lossWeightClip: 1e3, elboWeightClip: Infinity, lossWeightRange: [0, 2], denominatorFloor: 0 };
      const x = flat(c.inputs.input_ids_x), z = flat(c.inputs.z_t);
      const w = timesOf(c).map((t, i) => tokenWeights(p, settings, s.logSnrFromTime(t), x[i]!, z[i]!, 7));
      expectClose(w.map((v) => v.elbo), c.outputs.elbo_weights, `${c.id} elbo`, 1e-9, ABS);
      expectClose(w.map((v) => v.loss), c.outputs.loss_weights, `${c.id} loss`, 1e-9, ABS);
    }
  });
  it('GiddLoss.forward: per-token loss and elbo, token means', () => {
    const cases = casesOf('GiddLoss.forward');
    expect(cases.length).toBe(24);
    for (const c of cases) {
      const { p, s } = giddOf(c);
      const settings: WeightSettings = { schedule: s, weighting: weightingOf(c), lossWeightClip: 1e3, elboWeightClip: Infinity, lossWeightRange: [0, 2], denominatorFloor: 0 };
      const x = flat(c.inputs.input_ids_x), z = flat(c.inputs.z_t), logits = flat(c.inputs.logits);
      const loss: number[] = [], elbo: number[] = [];
      timesOf(c).forEach((t, i) => {
        const l = s.logSnrFromTime(t);
        const w = tokenWeights(p, settings, l, x[i]!, z[i]!, 7);
        const k = klAndIs(p, l, logits.slice(i * 8, i * 8 + 8), x[i]!, z[i]!, 7, [s.minLogSnr, s.maxLogSnr], 0); // [G] has no IS epsilon
        loss.push(w.loss * (k.kl + k.is)); elbo.push(w.elbo * (k.kl + k.is));
      });
      expectClose(loss, c.outputs.loss, `${c.id} loss`, 1e-9, 1e-12);
      expectClose(elbo, c.outputs.elbo, `${c.id} elbo`, 1e-9, 1e-12);
      const mean = (a: number[]): number => a.reduce((u, v) => u + v, 0) / a.length;
      expectClose([mean(loss), mean(elbo)], [c.outputs.loss_tokenmean, c.outputs['metrics.elbo']], c.id, 1e-9, ABS);
      // metrics.kl_loss / metrics.is_loss are [G]'s own logging (weighted by the dynamic weights even under
      // 'none'); they are not SPEC quantities, so they are not compared.
    }
  });
  it('MDLM: sigmas, marginals, logits and loss are the masked process on the log-linear schedule', () => {
    const masked = registry.create({ id: 'difflm/masked' }, tokens);
    const s = logLinearSchedule();
    for (const c of casesOf('MaskedDiffusion.get_sigmas')) {
      expectClose(flat(c.inputs.t).map((t) => mdlmSigma(t)), c.outputs.sigma, c.id);
      expectClose(flat(c.inputs.t).map((t) => mdlmDSigma(t)), c.outputs.dsigma, c.id);
    }
    for (const c of casesOf('MaskedDiffusion.probs_at_t')) {
      const x = flat(c.inputs.labels_x);
      expectClose(timesOf(c).flatMap((t, i) => [...marginalVector(masked, s.logSnrFromTime(t), x[i]!, [-Infinity, Infinity])]), c.outputs.probs, c.id, 1e-9, ABS);
    }
    for (const c of casesOf('MaskedDiffusion.logits_at_t')) {
      const x = flat(c.inputs.labels_x);
      expectClose(timesOf(c).flatMap((t, i) => [...mdlmLogitsAtT(x[i]!, Math.exp(-mdlmSigma(t)), 8, 7)]), c.outputs.logits, c.id);
    }
    for (const c of casesOf('MDLMLoss.forward')) {
      const settings: WeightSettings = { schedule: s, weighting: 'elbo', lossWeightClip: 1e3, elboWeightClip: Infinity, lossWeightRange: [0, 2], denominatorFloor: 0 };
      const x = flat(c.inputs.input_ids_x), z = flat(c.inputs.z_t), logits = flat(c.inputs.logits);
      const elbo = timesOf(c).map((t, i) => {
        const l = s.logSnrFromTime(t);
        const k = klAndIs(masked, l, logits.slice(i * 8, i * 8 + 8), x[i]!, z[i]!, 7, [-Infinity, Infinity]);
        return tokenWeights(masked, settings, l, x[i]!, z[i]!, 7).elbo * (k.kl + k.is);
      });
      expectClose(elbo, c.outputs.elbo, c.id, 1e-9, 1e-9);
      expectClose([elbo.reduce((a, b) => a + b, 0) / 12], [c.outputs.loss_tokenmean], c.id, 1e-9, 1e-9);
    }
  });
});
