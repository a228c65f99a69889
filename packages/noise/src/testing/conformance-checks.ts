// The conformance kit: checks every noise plug-in must pass (built-ins run it too). Framework-agnostic:
// each check is a named function that throws on failure; describeNoiseConformance() registers them with
// any test runner's `it`. The tensor checks use whatever TensorFlow.js backend the caller selected.
import * as tf from '@tensorflow/tfjs-core';
import { createObjective } from '../create-objective.js';
import { assertNoisePlugin, type NoisePlugin, type NoiseProcess } from '../noise-type.js';
import type { TokenSpace } from '../objective.js';
import { createRng } from '../random.js';
import { createNoiseRegistry } from '../registry.js';
import { ancestralPosterior, posteriorStep } from '../sampling/ancestral-posterior.js';
import { giddWeight, klAndIs, marginalVector, mixingAt, tokenWeights } from '../token-math.js';

export type { ConformanceCheck } from './plugin-contract-checks.js';
import { pluginContractChecks, type ConformanceCheck, registerConformance, type ConformanceRunner } from './plugin-contract-checks.js';

export interface ConformanceOptions {
  /** Token space to test on (default V = 12, mask 11, pad 10). */
  readonly tokens?: TokenSpace;
  /** Raw (JSON) options passed to parseOptions (default undefined = the plug-in's defaults). */
  readonly options?: unknown;
  /** λ values to probe (default −9 … 9 in steps of 1.5, plus ±0.3). */
  readonly logSnrs?: readonly number[];
  /** Seed of the random probes. */
  readonly seed?: number;
}

const fail = (msg: string): never => { throw new Error(msg); };
const close = (a: number, b: number, rel: number, abs: number): boolean => Math.abs(a - b) <= rel * Math.abs(b) + abs;

export function noiseConformanceChecks(pluginOrModule: unknown, o: ConformanceOptions = {}): ConformanceCheck[] {
  const plugin: NoisePlugin = assertNoisePlugin(pluginOrModule, 'conformance subject');
  const tokens: TokenSpace = o.tokens ?? { vocabSize: 12, maskId: 11, padId: 10 };
  const V = tokens.vocabSize;
  const lambdas = o.logSnrs ?? [-9, -7.5, -6, -4.5, -3, -1.5, -0.3, 0, 0.3, 1.5, 3, 4.5, 6, 7.5, 9];
  const seed = o.seed ?? 1234;
  const spec = { id: plugin.id, ...(o.options === undefined ? {} : { options: o.options as Record<string, unknown> }) };
  let cached: NoiseProcess | undefined;
  const proc = (): NoiseProcess => (cached ??= plugin.create(plugin.parseOptions(o.options), tokens));
  const checks: ConformanceCheck[] = [
    ...pluginContractChecks(plugin, o.options),
    { name: 'registers in a registry and is rebuilt from a JSON spec', run() {
      const registry = createNoiseRegistry([plugin], { builtins: false });
      const p = registry.create(JSON.parse(JSON.stringify(spec)), tokens);
      if (p.vocabSize !== V) fail(`process.vocabSize ${p.vocabSize} != tokens.vocabSize ${V}`);
    } },
    { name: 'base distributions are probability vectors of length V', run() {
      const p = proc();
      if (p.bases.length < 1) fail('a process needs at least one base distribution');
      p.bases.forEach((b) => {
        if (b.probs.length !== V) fail(`base "${b.name}" has length ${b.probs.length}, expected ${V}`);
        let s = 0; for (const v of b.probs) { if (!(v >= 0)) fail(`base "${b.name}" has a negative or NaN entry`); s += v; }
        if (!close(s, 1, 1e-12, 1e-12)) fail(`base "${b.name}" sums to ${s}, not 1`);
      });
    } },
    { name: 'base samples are deterministic and on the support', run() {
      const p = proc();
      p.bases.forEach((b) => {
        const r1 = createRng(seed), r2 = createRng(seed);
        for (let i = 0; i < 200; i++) {
          const a = b.sample(r1), c = b.sample(r2);
          if (a !== c) fail(`base "${b.name}": same seed gave different samples`);
          if (!(b.probs[a]! > 0)) fail(`base "${b.name}" sampled token ${a}, which has probability 0`);
        }
      });
    } },
    { name: 'coefficients are non-negative and sum to 1', run() {
      const p = proc();
      for (const l of lambdas) {
        const { c } = mixingAt(p, l);
        let s = 0; c.forEach((v, k) => { if (!(v >= 0)) fail(`c_${k}(${l}) = ${v} < 0`); s += v; });
        if (!close(s, 1, 1e-12, 1e-12)) fail(`Σ_k c_k(${l}) = ${s}, not 1`);
      }
    } },
    { name: 'derivatives sum to 0 and match central finite differences', run() {
      const p = proc(), h = 1e-5;
      for (const l of lambdas) {
        const { dc } = mixingAt(p, l);
        const s = dc.reduce((a, b) => a + b, 0);
        if (!close(s, 0, 0, 1e-12)) fail(`Σ_k dc_k/dλ(${l}) = ${s}, not 0`);
        const up = mixingAt(p, l + h).c, down = mixingAt(p, l - h).c;
        dc.forEach((d, k) => { const fd = (up[k]! - down[k]!) / (2 * h); if (!close(d, fd, 1e-4, 1e-8)) fail(`dc_${k}/dλ(${l}) = ${d} but the finite difference is ${fd}`); });
      }
    } },
    { name: 'marginals are distributions; ELBO weights are finite and non-negative on the support', run() {
      const p = proc();
      for (const l of lambdas) for (let x = 0; x < V; x++) {
        if (x === tokens.maskId) continue;
        const q = marginalVector(p, l, x, [-9, 9]);
        let s = 0; for (const v of q) { if (!(v >= 0)) fail(`q_${l}(·|${x}) has a negative entry`); s += v; }
        if (!close(s, 1, 1e-12, 1e-12)) fail(`q_${l}(·|${x}) sums to ${s}`);
        for (let z = 0; z < V; z++) {
          if (q[z] === 0) continue;
          const w = giddWeight(p, l, x, z);
          if (!(Number.isFinite(w) && w >= -1e-12)) fail(`weight w_${l}(x=${x}, z=${z}) = ${w} must be finite and >= 0 (π_λ − π'_λ must be >= 0)`);
        }
      }
    } },
    { name: 'ancestral posteriors are distributions', run() {
      const p = proc(), rng = createRng(seed);
      for (let i = 0; i + 1 < lambdas.length; i++) {
        const step = posteriorStep(p, lambdas[i]!, lambdas[i + 1]!, [-9, 9]);
        if (step.residual.some((r) => r < 0)) fail('posterior residual β_tπ_t − α_{t|s}β_sπ_s is negative');
        const xhat = new Float64Array(V).map(() => rng.uniform() + 0.01);
        if (tokens.maskId !== null) xhat[tokens.maskId] = 0;
        const sum = xhat.reduce((a, b) => a + b, 0); xhat.forEach((v, k) => { xhat[k] = v / sum; });
        const x = rng.int(V - 2);
        const q = marginalVector(p, lambdas[i]!, x, [-9, 9]);
        for (let z = 0; z < V; z++) {
          if (!(q[z]! > 0)) continue;
          const post = ancestralPosterior(step, xhat, z, new Float64Array(V));
          const s = post.reduce((a, b) => a + b, 0);
          if (!close(s, 1, 1e-9, 1e-12) || post.some((v) => !(v >= 0))) fail(`p(z_s | z_t=${z}) between λ ${lambdas[i]} and ${lambdas[i + 1]} is not a distribution`);
        }
      }
    } },
    { name: 'tensor loss agrees with the float64 scalar path (needs a TensorFlow.js backend)', run() {
      const registry = createNoiseRegistry([plugin], { builtins: false });
      const obj = createObjective(spec, tokens, { schedule: 'linear', promptFraction: 0, maxEmptyFraction: 0 }, registry);
      const rng = createRng(seed);
      const B = 2, N = 6;
      const xs = Int32Array.from({ length: B * N }, () => rng.int(V - 2));
      const logitsData = Float32Array.from({ length: B * N * V }, () => 2 * rng.normal());
      const before = tf.memory().numTensors;
      const x = tf.tensor2d(xs, [B, N], 'int32'), logits = tf.tensor3d(logitsData, [B, N, V]);
      const batch = obj.corrupt(x, rng);
      const terms = obj.tokenTerms(logits, batch);
      const [zt, ls, loss, elbo] = [batch.zt.dataSync(), batch.logSnr.dataSync(), terms.loss.dataSync(), terms.elbo.dataSync()];
      for (let i = 0; i < B * N; i++) {
        const w = tokenWeights(obj.process, obj.lossSettings, ls[i]!, xs[i]!, zt[i]!, tokens.maskId);
        const k = klAndIs(obj.process, ls[i]!, logitsData.subarray(i * V, (i + 1) * V), xs[i]!, zt[i]!, tokens.maskId, [obj.schedule.minLogSnr, obj.schedule.maxLogSnr]);
        const refLoss = w.loss * (k.kl + k.is), refElbo = w.elbo * (k.kl + k.is);
        if (!close(loss[i]!, refLoss, 1e-4, 1e-6)) fail(`token ${i}: tensor loss ${loss[i]} != float64 ${refLoss}`);
        if (!close(elbo[i]!, refElbo, 1e-4, 1e-4)) fail(`token ${i}: tensor elbo ${elbo[i]} != float64 ${refElbo}`);
        if (!(refElbo >= 0)) fail(`token ${i}: ELBO ${refElbo} < 0`);
      }
      tf.dispose([x, logits, terms.loss, terms.elbo, terms.kl, terms.is]);
      batch.dispose();
      if (tf.memory().numTensors !== before) fail(`corrupt/loss leaked ${tf.memory().numTensors - before} tensor(s)`);
    } },
    { name: 'corruption is deterministic and matches the marginal q_λ(x)', run() {
      const registry = createNoiseRegistry([plugin], { builtins: false });
      const obj = createObjective(spec, tokens, { schedule: 'linear' }, registry);
      const n = 4000, x0 = 3, l = -0.5;
      const x = tf.fill([1, n], x0, 'int32') as tf.Tensor2D;
      const a = obj.corruptAt(x, l, createRng(seed)), b = obj.corruptAt(x, l, createRng(seed));
      const za = a.zt.dataSync(), zb = b.zt.dataSync();
      for (let i = 0; i < n; i++) if (za[i] !== zb[i]) fail('same seed gave different corruption');
      const q = marginalVector(obj.process, l, x0, [-9, 9]);
      const counts = new Float64Array(V); za.forEach((z) => { counts[z]!++; });
      for (let v = 0; v < V; v++) {
        const sd = Math.sqrt(q[v]! * (1 - q[v]!) / n);
        if (Math.abs(counts[v]! / n - q[v]!) > 5 * sd + 1e-9) fail(`token ${v}: empirical frequency ${counts[v]! / n} vs q_λ = ${q[v]} (> 5 s.e.)`);
      }
      a.dispose(); b.dispose(); x.dispose();
    } },
  ];
  return checks;
}

/** Register the checks with a test runner: describeNoiseConformance(plugin, { describe, it }). */
export function describeNoiseConformance(
  pluginOrModule: unknown,
  runner: ConformanceRunner,
  options?: ConformanceOptions,
): void {
  const plugin = assertNoisePlugin(pluginOrModule, 'conformance subject');
  registerConformance(`noise conformance: ${plugin.id}`, () => noiseConformanceChecks(plugin, options), runner);
}

/** Run every check and collect failures (for scripts and CI without a test runner). */
export async function runNoiseConformance(pluginOrModule: unknown, options?: ConformanceOptions): Promise<{ passed: string[]; failed: { name: string; error: string }[] }> {
  const passed: string[] = [], failed: { name: string; error: string }[] = [];
  for (const c of noiseConformanceChecks(pluginOrModule, options)) {
    try { await c.run(); passed.push(c.name); } catch (e) { failed.push({ name: c.name, error: e instanceof Error ? e.message : String(e) }); }
  }
  return { passed, failed };
}
