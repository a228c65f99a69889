// The list of parameters of a config, in a stable order: names, shapes, CompleteP groups (SPEC §4:
// bulk = matrices with ndim > 1 except embed/lm_head; aux = norms, biases incl. the sinks, embed,
// lm_head) and how each is initialised (SPEC §3). Serialisation and the model both follow it.
import type { ModelConfig } from './config.js';

export type ParamInit = 'bulk' | 'embedding' | 'zeros';

export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly group: 'bulk' | 'aux';
  readonly init: ParamInit;
}

/**
 * Parameters of the model. Matrices are stored [in, out] so the forward pass is x·W without a
 * transpose: `lm_head` is W_outᵀ [d, V], `attn.wqkv` holds q | k | v as columns [d, 3d], and
 * `attn.qk_norm` holds the q and k QK-norm gains as rows [2, d].
 */
export function parameterLayout(config: Pick<ModelConfig, 'vocabSize' | 'dModel' | 'nLayers' | 'nHeads'>): ParamSpec[] {
  const { vocabSize: V, dModel: d, nLayers: L, nHeads: H } = config;
  const dh = d / H;
  const specs: ParamSpec[] = [{ name: 'embed', shape: [V, d], group: 'aux', init: 'embedding' }];
  for (let i = 0; i < L; i++) {
    const p = `layers.${i}`;
    specs.push(
      { name: `${p}.attn_norm`, shape: [d], group: 'aux', init: 'zeros' },
      { name: `${p}.attn.wqkv`, shape: [d, 3 * d], group: 'bulk', init: 'bulk' },
      { name: `${p}.attn.qk_norm`, shape: [2, d], group: 'aux', init: 'zeros' },
      { name: `${p}.attn.sink_k`, shape: [H, dh], group: 'aux', init: 'zeros' },
      { name: `${p}.attn.sink_v`, shape: [H, dh], group: 'aux', init: 'zeros' },
      { name: `${p}.attn.wo`, shape: [d, d], group: 'bulk', init: 'bulk' },
      { name: `${p}.mlp_norm`, shape: [d], group: 'aux', init: 'zeros' },
      { name: `${p}.mlp.w_up`, shape: [d, 4 * d], group: 'bulk', init: 'bulk' },
      { name: `${p}.mlp.b_up`, shape: [4 * d], group: 'aux', init: 'zeros' },
      { name: `${p}.mlp.w_down`, shape: [4 * d, d], group: 'bulk', init: 'bulk' },
      { name: `${p}.mlp.b_down`, shape: [d], group: 'aux', init: 'zeros' },
    );
  }
  specs.push(
    { name: 'final_norm', shape: [d], group: 'aux', init: 'zeros' },
    { name: 'lm_head', shape: [d, V], group: 'aux', init: 'zeros' },
  );
  return specs;
}
