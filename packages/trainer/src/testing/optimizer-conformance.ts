// The conformance kit of optimizer plug-ins (the built-ins run it too): what the trainer and checkpoints rely on. It
// uses whatever TensorFlow.js backend the caller selected. Framework-agnostic: each check throws on failure.
import * as tf from '@tensorflow/tfjs-core';
import type { NamedVariable } from '../model-port.js';
import type { GroupSchedule, OptimizerHyper } from '../optimizer.js';
import { createOptimizerRegistry } from '../optimizer-registry.js';
import { assertOptimizerPlugin, type OptimizerPlugin } from '../optimizer-type.js';
import { pluginContractChecks, registerConformance, type ConformanceCheck, type ConformanceRunner } from '@difflm/noise/testing';

export interface OptimizerConformanceOptions {
  /** Raw (JSON) options passed to parseOptions (default undefined = the plug-in's defaults). */
  readonly options?: unknown;
  /** Shared hyperparameters (default β1 0.9, β2 0.99, ε 1e−8). */
  readonly hyper?: OptimizerHyper;
  /** LR of the quadratic the descent check minimises (default 0.05). */
  readonly lr?: number;
}

const fail = (msg: string): never => { throw new Error(msg); };

export function optimizerConformanceChecks(pluginOrModule: unknown, o: OptimizerConformanceOptions = {}): ConformanceCheck[] {
  const plugin: OptimizerPlugin = assertOptimizerPlugin(pluginOrModule, 'conformance subject');
  const hyper = o.hyper ?? { beta1: 0.9, beta2: 0.99, epsilon: 1e-8 };
  const lr = o.lr ?? 0.05;
  const groups: GroupSchedule = { bulk: { lr, weightDecay: 0 }, aux: { lr, weightDecay: 0 } };
  const target = [0.5, -1.5, 2, 0.25, -0.75, 1];
  // Two parameters (one per group) of a quadratic ½‖θ − target‖², started at 0.
  const makeParams = (tag: string): NamedVariable[] => [
    { name: 'w', group: 'bulk', variable: tf.variable(tf.zeros([2, 2]), true, `conf-${tag}-w-${Math.random().toString(36).slice(2)}`) },
    { name: 'e', group: 'aux', variable: tf.variable(tf.zeros([2]), true, `conf-${tag}-e-${Math.random().toString(36).slice(2)}`) },
  ];
  const flat = (ps: NamedVariable[]): number[] => ps.flatMap((p) => Array.from(p.variable.dataSync()));
  const loss = (ps: NamedVariable[]): number => flat(ps).reduce((s, v, i) => s + 0.5 * (v - target[i]!) ** 2, 0);
  const step = (opt: ReturnType<OptimizerPlugin['create']>, ps: NamedVariable[]): void => {
    const grads: Record<string, tf.Tensor> = {};
    let k = 0;
    for (const p of ps) {
      const n = p.variable.size;
      const t = target.slice(k, k + n);
      grads[p.variable.name] = tf.tidy(() => tf.sub(p.variable, tf.tensor(t, p.variable.shape)));
      k += n;
    }
    opt.update(ps, grads, groups);
    tf.dispose(Object.values(grads));
  };
  const create = () => createOptimizerRegistry([plugin], { builtins: false }).create(plugin.id, hyper, JSON.parse(JSON.stringify(o.options ?? null)) ?? undefined);
  return [
    ...pluginContractChecks(plugin, o.options),
    { name: 'descends a quadratic and counts its steps', run() {
      const ps = makeParams('descent');
      const opt = create();
      const before = loss(ps);
      for (let i = 0; i < 40; i++) step(opt, ps);
      if (opt.step !== 40) fail(`step is ${opt.step} after 40 updates`);
      const after = loss(ps);
      if (!(after < 0.5 * before)) fail(`40 updates at lr ${lr} took the loss from ${before} to ${after}; expected below half`);
      opt.dispose();
      tf.dispose(ps.map((p) => p.variable));
    } },
    { name: 'a restored state continues exactly as the original (checkpoints)', run() {
      const a = makeParams('a'), b = makeParams('b');
      const optA = create();
      for (let i = 0; i < 5; i++) step(optA, a);
      // A copy with no ties to the original's tensors, as a checkpoint file gives back.
      const state = structuredClone(optA.getState());
      a.forEach((p, i) => b[i]!.variable.assign(p.variable));
      const optB = create();
      optB.setState(state);
      if (optB.step !== optA.step) fail(`restored step ${optB.step} != ${optA.step}`);
      for (let i = 0; i < 3; i++) { step(optA, a); step(optB, b); }
      const fa = flat(a), fb = flat(b);
      fa.forEach((v, i) => { if (v !== fb[i]) fail(`parameter ${i} differs after restoring the state: ${v} vs ${fb[i]}`); });
      optA.dispose(); optB.dispose();
      tf.dispose([...a, ...b].map((p) => p.variable));
    } },
    { name: 'holds no tensors after dispose', run() {
      const ps = makeParams('leak');
      const before = tf.memory().numTensors;
      const opt = create();
      for (let i = 0; i < 3; i++) step(opt, ps);
      opt.getState();
      opt.dispose();
      if (tf.memory().numTensors !== before) fail(`${tf.memory().numTensors - before} tensor(s) left after dispose`);
      tf.dispose(ps.map((p) => p.variable));
    } },
  ];
}

/** Register every optimizer check with a test runner's `it` (and `describe`, when given). */
export function describeOptimizerConformance(
  pluginOrModule: unknown,
  runner: ConformanceRunner,
  options?: OptimizerConformanceOptions,
): void {
  const plugin = assertOptimizerPlugin(pluginOrModule, 'conformance subject');
  registerConformance(`optimizer conformance: ${plugin.id}`, () => optimizerConformanceChecks(plugin, options), runner);
}
