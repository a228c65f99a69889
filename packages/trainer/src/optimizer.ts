// The optimizer contract shared by LaProp and AdamW. Moments live in tensors owned by the optimizer;
// getState() copies them out as plain arrays so a checkpoint can hold them (no tensors leave).
import type { Tensor } from '@tensorflow/tfjs-core';
import type { NamedVariable, ParamGroup } from './model-port.js';

/** Learning rate and decoupled weight decay for one parameter group at one step. */
export interface GroupSettings {
  readonly lr: number;
  readonly weightDecay: number;
}

export type GroupSchedule = Readonly<Record<ParamGroup, GroupSettings>>;

export interface OptimizerHyper {
  readonly beta1: number;
  readonly beta2: number;
  /** Denominator guard; SPEC §4 uses ε = 1e−8/(d·L). */
  readonly epsilon: number;
}

/** A plain-data snapshot: step count plus every moment tensor, by parameter name and slot. */
export interface OptimizerState {
  readonly kind: string;
  readonly step: number;
  readonly slots: Record<string, Record<string, { shape: number[]; values: Float32Array }>>;
}

export interface Optimizer {
  readonly kind: string;
  readonly hyper: OptimizerHyper;
  /** Number of updates applied so far (k in SPEC §4). */
  readonly step: number;
  /** Apply one update to every parameter with a gradient in `grads` (keyed by variable name). Grads are borrowed. */
  update(params: readonly NamedVariable[], grads: Readonly<Record<string, Tensor>>, groups: GroupSchedule): void;
  getState(): OptimizerState;
  /**
   * Optional: the live state tensors (moments), so a caller can read them asynchronously before getState() — which a
   * backend that cannot read synchronously (WebGPU in Node) needs for checkpoints.
   */
  stateTensors?(): readonly Tensor[];
  setState(state: OptimizerState): void;
  dispose(): void;
}

export function validateHyper(kind: string, h: OptimizerHyper): void {
  for (const k of ['beta1', 'beta2'] as const) {
    if (!(h[k] >= 0 && h[k] < 1)) throw new Error(`optimizer.${k} must be in [0, 1), got ${h[k]} (${kind})`);
  }
  if (!(h.epsilon > 0)) throw new Error(`optimizer.epsilon must be > 0, got ${h.epsilon} (${kind})`);
}
