// The diffusion sampler as a value: a plug-in kind registered and resolved by namespaced id (ADR 0008). generate()
// prepares the shared state (prior draw, prompt, blocks, λ grid) and hands each block to the sampler; a sampler may
// also refine the whole sequence after the last block. The built-ins (difflm/ancestral, difflm/adaptive,
// difflm/self-correction) are written this way in sampler-types.ts.
import { pluginKind, qualifiedId } from '../plugin-kind.js';
import type { SamplingState } from './generate.js';

/** What a block sampler is given besides the shared state. */
export interface BlockContext {
  /** 1 where a position belongs to the block being generated. */
  readonly inBlock: Uint8Array;
  /** The attention mask of the block (null = full attention). */
  readonly attention: Float32Array | null;
  /** Denoising steps per block (GenerateOptions.steps). */
  readonly steps: number;
  /** The ancestral λ grid of the steps, from λ_min to λ_max (GenerateOptions.grid). */
  readonly grid: Float64Array;
}

/** A sampler built from its options: denoise one block in place (state.z), and optionally refine everything after. */
export interface DiffusionSampler {
  runBlock(state: SamplingState, block: BlockContext): Promise<void>;
  /** After every block: `generated` marks the positions that were generated (not prompt). */
  refine?(state: SamplingState, generated: Uint8Array, attention: Float32Array | null): Promise<void>;
}

export interface SamplerPlugin<Id extends string = string, Options = unknown> {
  readonly kind: 'difflm/sampler-plugin';
  /** Namespaced id, "<namespace>/<name>"; a bare name in options is the difflm namespace's. */
  readonly id: Id;
  readonly description: string;
  /** Validate raw JSON options (undefined = defaults); throw an Error naming the bad field. */
  parseOptions(raw: unknown): Options;
  create(options: Options): DiffusionSampler;
}

/**
 * Option types per sampler id, extended by module augmentation in each sampler's own file:
 * `declare module '@difflm/noise' { interface SamplerTypes { 'acme/foo': FooOptions } }`
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SamplerTypes {}

export function defineSampler<Id extends string, Options>(plugin: Omit<SamplerPlugin<Id, Options>, 'kind'>): SamplerPlugin<Id, Options> {
  return Object.freeze({ kind: 'difflm/sampler-plugin' as const, ...plugin });
}

export const samplerKind = pluginKind<SamplerPlugin>('difflm/sampler-plugin', 'sampler', 'defineSampler');

/** True when value has the shape of a SamplerPlugin (plug-ins are checked by shape, not by class). */
export const isSamplerPlugin = (value: unknown): value is SamplerPlugin => samplerKind.is(value);

/** Accept a plug-in value or an ES module namespace whose default export is one; throw otherwise. */
export const assertSamplerPlugin = (value: unknown, source = 'plug-in'): SamplerPlugin => samplerKind.assert(value, source);

export interface SamplerRegistry {
  ids(): string[];
  /** True for a registered id or a bare name of the difflm namespace ("adaptive"). */
  has(idOrName: string): boolean;
  get(idOrName: string): SamplerPlugin;
  /** Validate the options and build the sampler (errors name `sampler` or `samplerOptions`). */
  create(idOrName: string, options?: unknown): DiffusionSampler;
}


/** A registry of the given sampler plug-ins (values of other plug-in kinds are skipped) after the built-ins. */
export function samplerRegistryOf(builtins: readonly SamplerPlugin[], plugins: readonly unknown[]): SamplerRegistry {
  const byId = new Map<string, SamplerPlugin>();
  const add = (value: unknown, source: string): void => {
    const plugin = assertSamplerPlugin(value, source);
    if (byId.has(plugin.id)) throw new Error(`sampler id "${plugin.id}" is registered twice; each plug-in needs a unique namespaced id`);
    byId.set(plugin.id, plugin);
  };
  builtins.forEach((p, i) => add(p, `built-in sampler #${i + 1}`));
  plugins.filter((p) => !samplerKind.isOtherKind(p)).forEach((p, i) => add(p, `sampler plug-in #${i + 1}`));
  const registry: SamplerRegistry = {
    ids: () => [...byId.keys()].sort(),
    has: (idOrName) => byId.has(qualifiedId(idOrName)),
    get(idOrName) {
      const plugin = byId.get(qualifiedId(idOrName));
      if (!plugin) throw new Error(`sampler: unknown sampler "${idOrName}"; known: ${registry.ids().join(', ')} (a plug-in sampler: pass its module to --plugins)`);
      return plugin;
    },
    create(idOrName, raw) {
      const plugin = registry.get(idOrName);
      let options: unknown;
      try { options = plugin.parseOptions(raw); } catch (e) { throw new Error(`samplerOptions (${plugin.id}): ${(e as Error).message}`); }
      return plugin.create(options);
    },
  };
  return registry;
}
