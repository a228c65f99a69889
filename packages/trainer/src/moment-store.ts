// Named moment tensors for an optimizer: create lazily as zeros, replace after each update, export to
// and import from plain arrays for checkpoints.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { OptimizerState } from './optimizer.js';

export class MomentStore {
  private readonly slots = new Map<string, Map<string, Tensor>>();

  get(param: string, slot: string, like: Tensor): Tensor {
    let bySlot = this.slots.get(param);
    if (!bySlot) { bySlot = new Map(); this.slots.set(param, bySlot); }
    let t = bySlot.get(slot);
    if (!t) { t = tf.keep(tf.zerosLike(like)); bySlot.set(slot, t); }
    return t;
  }

  /** Store `next` (kept) in place of the current tensor, disposing the old one. */
  set(param: string, slot: string, next: Tensor): void {
    const bySlot = this.slots.get(param) ?? new Map<string, Tensor>();
    this.slots.set(param, bySlot);
    const old = bySlot.get(slot);
    bySlot.set(slot, tf.keep(next));
    if (old && old !== next) old.dispose();
  }

  /** Every moment tensor held. */
  tensors(): Tensor[] {
    return [...this.slots.values()].flatMap((bySlot) => [...bySlot.values()]);
  }

  toState(kind: string, step: number): OptimizerState {
    const slots: OptimizerState['slots'] = {};
    for (const [param, bySlot] of this.slots) {
      slots[param] = {};
      for (const [slot, t] of bySlot) slots[param]![slot] = { shape: [...t.shape], values: Float32Array.from(t.dataSync() as Float32Array) };
    }
    return { kind, step, slots };
  }

  fromState(state: OptimizerState): void {
    this.dispose();
    for (const [param, bySlot] of Object.entries(state.slots)) {
      for (const [slot, { shape, values }] of Object.entries(bySlot)) this.set(param, slot, tf.tensor(values, shape, 'float32'));
    }
  }

  dispose(): void {
    for (const bySlot of this.slots.values()) for (const t of bySlot.values()) t.dispose();
    this.slots.clear();
  }
}
