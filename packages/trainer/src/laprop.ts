// LaProp (Ziyin et al. 2020) as the scaling paper uses it (SPEC §4): momentum is applied after the
// RMS normalisation, with bias-corrected betas β̃(k) = 1 − (1−β)/(1−β^k) and decoupled weight decay:
//   ν_k = β̃2·ν_{k−1} + (1−β̃2)·g²
//   m_k = β̃1·m_{k−1} + (1−β̃1)·g/(√ν_k + ε)
//   θ  ← θ − η_k·(m_k + wd·θ)
import * as tf from '@tensorflow/tfjs-core';
import { fusedUpdate, fusedUpdateActive } from './fused-update.js';
import { MomentStore } from './moment-store.js';
import { validateHyper, type Optimizer, type OptimizerHyper } from './optimizer.js';
import { defineOptimizer, noOptions } from './optimizer-type.js';

declare module '@difflm/trainer' {
  interface OptimizerTypes { 'difflm/laprop': Record<string, never> }
}

/** β̃(k) = 1 − (1−β)/(1−β^k) (SPEC §4); β̃(1) = 0, so the first step uses the raw gradient statistics. */
export function biasCorrectedBeta(beta: number, k: number): number {
  return 1 - (1 - beta) / (1 - beta ** k);
}

export function createLaProp(hyper: OptimizerHyper): Optimizer {
  validateHyper('laprop', hyper);
  const store = new MomentStore();
  let step = 0;
  return {
    kind: 'laprop',
    hyper,
    get step() { return step; },
    update(params, grads, groups) {
      step += 1;
      const b1 = biasCorrectedBeta(hyper.beta1, step);
      const b2 = biasCorrectedBeta(hyper.beta2, step);
      const fused = fusedUpdateActive('laprop');
      for (const p of params) {
        const g = grads[p.variable.name];
        if (!g) continue;
        const { lr, weightDecay } = groups[p.group];
        const nu0 = store.get(p.name, 'nu', g);
        const m0 = store.get(p.name, 'm', g);
        if (fused) {
          const attrs = { beta1: b1, beta2: b2, epsilon: hyper.epsilon, lr, weightDecay };
          const [m, nu] = fusedUpdate('laprop', p.variable, { grad: g, m: m0, nu: nu0 }, attrs);
          store.set(p.name, 'nu', nu);
          store.set(p.name, 'm', m);
          continue;
        }
        const [nu, m] = tf.tidy(() => {
          const nu = tf.add(tf.mul(nu0, b2), tf.mul(tf.square(g), 1 - b2));
          // ε keeps g/√ν finite where ν ≈ 0 (SPEC §4: ε = 1e−8/(d·L)).
          const m = tf.add(tf.mul(m0, b1), tf.mul(tf.div(g, tf.add(tf.sqrt(nu), hyper.epsilon)), 1 - b1));
          const theta = tf.sub(p.variable, tf.mul(tf.add(m, tf.mul(p.variable, weightDecay)), lr));
          p.variable.assign(theta);
          return [nu, m];
        });
        store.set(p.name, 'nu', nu!);
        store.set(p.name, 'm', m!);
      }
    },
    getState: () => store.toState('laprop', step),
    stateTensors: () => store.tensors(),
    setState(state) {
      if (state.kind !== 'laprop') throw new Error(`optimizer state is for '${state.kind}', not 'laprop': resume with the optimizer the run was started with`);
      store.fromState(state);
      step = state.step;
    },
    dispose: () => store.dispose(),
  };
}

/** LaProp as an optimizer type (`optimizer.kind: "laprop"` or `"difflm/laprop"`). */
export default defineOptimizer({
  id: 'difflm/laprop',
  description: "LaProp (SPEC §4): momentum after the RMS normalisation, bias-corrected betas, decoupled weight decay; the paper's optimizer.",
  parseOptions: noOptions('difflm/laprop'),
  create: (hyper: OptimizerHyper) => createLaProp(hyper),
});
