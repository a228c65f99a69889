// AdamW (Loshchilov & Hutter 2019) with bias correction and decoupled weight decay, the usual
// reference point next to LaProp (SPEC §4):
//   m_k = β1·m + (1−β1)·g,  v_k = β2·v + (1−β2)·g²,  m̂ = m_k/(1−β1^k),  v̂ = v_k/(1−β2^k)
//   θ ← θ − η_k·(m̂/(√v̂ + ε) + wd·θ)
import * as tf from '@tensorflow/tfjs-core';
import { fusedUpdate, fusedUpdateActive } from './fused-update.js';
import { MomentStore } from './moment-store.js';
import { validateHyper, type Optimizer, type OptimizerHyper } from './optimizer.js';
import { defineOptimizer, noOptions } from './optimizer-type.js';

declare module '@difflm/trainer' {
  interface OptimizerTypes { 'difflm/adamw': Record<string, never> }
}

export function createAdamW(hyper: OptimizerHyper): Optimizer {
  validateHyper('adamw', hyper);
  const store = new MomentStore();
  let step = 0;
  return {
    kind: 'adamw',
    hyper,
    get step() { return step; },
    update(params, grads, groups) {
      step += 1;
      const c1 = 1 - hyper.beta1 ** step;
      const c2 = 1 - hyper.beta2 ** step;
      const fused = fusedUpdateActive('adamw');
      for (const p of params) {
        const g = grads[p.variable.name];
        if (!g) continue;
        const { lr, weightDecay } = groups[p.group];
        const m0 = store.get(p.name, 'm', g);
        const v0 = store.get(p.name, 'v', g);
        if (fused) {
          const attrs = { beta1: hyper.beta1, beta2: hyper.beta2, c1, c2, epsilon: hyper.epsilon, lr, weightDecay };
          const [m, v] = fusedUpdate('adamw', p.variable, { grad: g, m: m0, v: v0 }, attrs);
          store.set(p.name, 'm', m);
          store.set(p.name, 'v', v);
          continue;
        }
        const [m, v] = tf.tidy(() => {
          const m = tf.add(tf.mul(m0, hyper.beta1), tf.mul(g, 1 - hyper.beta1));
          const v = tf.add(tf.mul(v0, hyper.beta2), tf.mul(tf.square(g), 1 - hyper.beta2));
          // ε keeps the update finite where v̂ ≈ 0 (SPEC §4).
          const dir = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), hyper.epsilon));
          p.variable.assign(tf.sub(p.variable, tf.mul(tf.add(dir, tf.mul(p.variable, weightDecay)), lr)));
          return [m, v];
        });
        store.set(p.name, 'm', m!);
        store.set(p.name, 'v', v!);
      }
    },
    getState: () => store.toState('adamw', step),
    stateTensors: () => store.tensors(),
    setState(state) {
      if (state.kind !== 'adamw') throw new Error(`optimizer state is for '${state.kind}', not 'adamw': resume with the optimizer the run was started with`);
      store.fromState(state);
      step = state.step;
    },
    dispose: () => store.dispose(),
  };
}

/** AdamW as an optimizer type (`optimizer.kind: "adamw"` or `"difflm/adamw"`). */
export default defineOptimizer({
  id: 'difflm/adamw',
  description: 'AdamW with bias correction and decoupled weight decay, the usual reference next to LaProp.',
  parseOptions: noOptions('difflm/adamw'),
  create: (hyper: OptimizerHyper) => createAdamW(hyper),
});
