// The conformance kit of loss-weighting plug-ins (built-ins run it too): what the objective relies on. A weighting
// is a pure function of one noisy token: finite and ≥ 0 wherever a process it accepts puts a token, the same for the
// same token, rebuilt identically from its JSON spec, and usable in an objective (a finite loss, no leaked tensor).
import * as tf from '@tensorflow/tfjs-core';
import { createObjective } from '../create-objective.js';
import type { NoiseSpec, TokenSpace } from '../objective.js';
import { createRng } from '../random.js';
import { createNoiseRegistry } from '../registry.js';
import { createScheduleRegistry } from '../schedule/schedule-registry.js';
import { createLossWeightingRegistry } from '../loss/weighting/loss-weighting-registry.js';
import { assertLossWeightingPlugin, type LossWeight, type LossWeightingPlugin } from '../loss/weighting/loss-weighting-type.js';
import { giddWeight } from '../token-math.js';
import { linearSchedule } from '../schedule/linear-schedule.js';
import { pluginContractChecks, type ConformanceCheck, registerConformance, type ConformanceRunner } from './plugin-contract-checks.js';

export interface LossWeightingConformanceOptions {
  /** Raw (JSON) options passed to parseOptions (default undefined = the plug-in's defaults). */
  readonly options?: unknown;
  /** Noise processes to weight tokens of (default masked, uniform and GIDD); the weighting may refuse some, not all. */
  readonly processes?: readonly NoiseSpec[];
}

const fail = (msg: string): never => { throw new Error(msg); };
const TOKENS: TokenSpace = { vocabSize: 12, maskId: 11, padId: 10 };
const CONTEXT = { lossWeightClip: 1e3, elboWeightClip: 1e6, lossWeightRange: [0, 2] as const };

export function lossWeightingConformanceChecks(pluginOrModule: unknown, o: LossWeightingConformanceOptions = {}): ConformanceCheck[] {
  const plugin: LossWeightingPlugin = assertLossWeightingPlugin(pluginOrModule, 'conformance subject');
  const specs = o.processes ?? [{ id: 'difflm/masked' }, { id: 'difflm/uniform' }, { id: 'difflm/gidd', options: { pUniform: 0.1 } }];
  const noise = createNoiseRegistry();
  /** The processes the weighting accepts, with it built for each. */
  const accepted = (): { spec: NoiseSpec; weight: LossWeight; process: ReturnType<typeof noise.create> }[] => {
    const out = [];
    for (const spec of specs) {
      const process = noise.create(spec, TOKENS);
      let weight: LossWeight;
      try { weight = plugin.create(plugin.parseOptions(o.options), { process, ...CONTEXT }); } catch (e) {
        if (!(e instanceof Error && e.message.length > 0)) fail(`refusing ${spec.id} must throw an Error naming why`);
        continue;
      }
      out.push({ spec, weight, process });
    }
    if (out.length === 0) fail(`accepts none of the processes ${specs.map((s) => s.id).join(', ')}`);
    return out;
  };
  const schedule = linearSchedule();
  /** Every kind of token a process puts at λ: clean, masked, and another token. */
  const probes = function* (process: ReturnType<typeof noise.create>): Generator<{ logSnr: number; isClean: boolean; isMask: boolean; w: number; elboWeight: number }> {
    for (let i = 0; i <= 36; i++) {
      const l = -9 + i * 0.5;
      for (const [x, z] of [[3, 3], [3, TOKENS.maskId!], [3, 5]] as const) {
        const w = giddWeight(process, l, x, z, 0);
        if (!Number.isFinite(w)) continue;
        yield { logSnr: l, isClean: z === x, isMask: z === TOKENS.maskId, w, elboWeight: w / schedule.density(l) };
      }
    }
  };
  return [
    ...pluginContractChecks(plugin, o.options),
    { name: 'weights every token finite and >= 0, the same for the same token', run() {
      for (const { spec, weight, process } of accepted()) {
        for (const t of probes(process)) {
          const a = weight.weight(t), b = weight.weight({ ...t });
          if (!(Number.isFinite(a) && a >= 0)) fail(`${spec.id}: weight ${a} at λ = ${t.logSnr} (${t.isClean ? 'clean' : t.isMask ? 'masked' : 'other'} token) must be finite and >= 0`);
          if (a !== b) fail(`${spec.id}: the weight of one token changed between calls (${a}, ${b}); it must be a pure function of the token`);
        }
      }
    } },
    { name: 'registers in a registry and is rebuilt from a JSON spec', run() {
      const registry = createLossWeightingRegistry([plugin], { builtins: false });
      const spec = JSON.parse(JSON.stringify({ id: plugin.id, ...(o.options === undefined ? {} : { options: o.options }) })) as { id: string; options?: Record<string, unknown> };
      for (const { weight, process } of accepted()) {
        const rebuilt = registry.create(spec, { process, ...CONTEXT });
        for (const t of probes(process)) if (rebuilt.weight(t) !== weight.weight(t)) fail(`the weighting rebuilt from JSON differs at λ = ${t.logSnr}`);
      }
    } },
    { name: 'trains in an objective: a finite loss, and no tensor left behind', run() {
      const weightings = createLossWeightingRegistry([plugin], { builtins: false });
      for (const { spec } of accepted()) {
        const obj = createObjective(spec, TOKENS, { lossWeighting: plugin.id, ...(o.options === undefined ? {} : { lossWeightingOptions: o.options as Record<string, unknown> }) }, noise, createScheduleRegistry(), weightings);
        const before = tf.memory().numTensors;
        const rng = createRng(3);
        const x = tf.tensor2d(Int32Array.from({ length: 4 * 8 }, () => rng.int(10)), [4, 8], 'int32');
        const batch = obj.corrupt(x, rng);
        const logits = tf.randomNormal([4, 8, TOKENS.vocabSize], 0, 1, 'float32', 5) as tf.Tensor3D;
        const loss = obj.loss(logits, batch);
        const value = loss.loss.dataSync()[0]!;
        tf.dispose([x, logits, loss.loss, loss.elbo, loss.kl, loss.is, loss.numNoisy]);
        batch.dispose();
        if (!Number.isFinite(value)) fail(`${spec.id}: the objective's loss is ${value}`);
        if (tf.memory().numTensors !== before) fail(`${spec.id}: the objective leaked ${tf.memory().numTensors - before} tensor(s)`);
      }
    } },
  ];
}

/** Register every loss-weighting check with a test runner's `it` (and `describe`, when given). */
export function describeLossWeightingConformance(
  pluginOrModule: unknown,
  runner: ConformanceRunner,
  options?: LossWeightingConformanceOptions,
): void {
  const plugin = assertLossWeightingPlugin(pluginOrModule, 'conformance subject');
  registerConformance(`loss-weighting conformance: ${plugin.id}`, () => lossWeightingConformanceChecks(plugin, options), runner);
}
