// The registry: built-ins are ordinary plug-ins, plug-ins are checked by shape, registries are immutable.
import { describe, expect, it } from 'vitest';
import { builtinNoiseTypes, createNoiseRegistry, defineNoise, hybridPresets, isNoisePlugin, noiseSpec } from '../src/index.js';

const tokens = { vocabSize: 8, maskId: 7, padId: null };
const fake = defineNoise({ id: 'acme/fake', description: 'test', parseOptions: () => ({}), create: () => { throw new Error('unused'); } });

describe('registry', () => {
  it('holds the built-ins as plug-in values, keyed by namespaced id', () => {
    expect(builtinNoiseTypes.every(isNoisePlugin)).toBe(true);
    expect(createNoiseRegistry().ids()).toEqual(['difflm/gidd', 'difflm/hybrid', 'difflm/masked', 'difflm/uniform']);
    expect(createNoiseRegistry([], { builtins: false }).ids()).toEqual([]);
  });
  it('accepts plug-in values and module namespaces with a default export; rejects other shapes and duplicates', () => {
    const reg = createNoiseRegistry([{ default: fake }]);
    expect(reg.has('acme/fake')).toBe(true);
    expect(() => createNoiseRegistry([{ id: 'acme/x' }])).toThrow(/is not a difflm noise plug-in/);
    expect(() => createNoiseRegistry([fake, fake])).toThrow(/registered twice/);
    const base = createNoiseRegistry();
    const more = base.with(fake);
    expect(base.has('acme/fake')).toBe(false);
    expect(more.has('acme/fake')).toBe(true);
  });
  it('rebuilds a process from a JSON spec; presets map to the paper’s shifts', () => {
    const spec = JSON.parse(JSON.stringify(noiseSpec('difflm/hybrid', { preset: 'low-uniform' })));
    const p = createNoiseRegistry().create(spec, tokens);
    const c = new Float64Array(2);
    p.coefficients(2, c); // λ = −b: transition point, σ(0) = 1/2
    expect(c[0]).toBeCloseTo(0.5, 15);
    expect(hybridPresets).toEqual({ masked: -1000, 'low-uniform': -2, balanced: 0, 'high-uniform': 2, uniform: 1000 });
    expect(() => createNoiseRegistry().create({ id: 'difflm/hybrid', options: [] as never }, tokens)).toThrow(/spec\.options must be an object/);
    expect(() => createNoiseRegistry().create({ id: 'difflm/hybrid' }, { vocabSize: 8, maskId: 9, padId: null })).toThrow(/tokens\.maskId must be null or an integer/);
  });
});
