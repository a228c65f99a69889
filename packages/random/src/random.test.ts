// The streams are pinned: every package's draws (corruption, data order, initial weights, bootstrap resamples) were
// these values before they moved here, and a checkpoint's saved state continues the exact stream.
import { describe, expect, it } from 'vitest';
import { createRng, fmix32, hash32, hashName, hashUniform, splitmix32, splitmixHash, xoshiro128 } from './index.js';

describe('@difflm/random', () => {
  it('createRng(42) gives the stream the noise package drew before', () => {
    const r = createRng(42);
    expect([r.uniform(), r.int(1000), r.normal()]).toEqual([0.6606157208001621, 111, 2.242263762064122]);
    expect(r.fork().uniform()).toBe(0.8726917344887806);
    expect(r.getState()).toEqual({ kind: 'xoshiro128**', s: [4025967253, 2990955105, 448808402, 3862215751] });
  });

  it('a saved state continues the same stream, through JSON', () => {
    const a = createRng(7);
    for (let i = 0; i < 5; i++) a.uniform();
    const b = createRng(JSON.parse(JSON.stringify(a.getState())));
    for (let i = 0; i < 20; i++) expect(b.uniform()).toBe(a.uniform());
    expect(() => createRng({ kind: 'mt19937', s: [1, 2, 3, 4] } as never)).toThrow(/rng state: expected/);
    expect(() => createRng(Number.NaN)).toThrow(/finite/);
    // States no generator reaches: the all-zero fixed point, words outside uint32.
    expect(() => createRng({ kind: 'xoshiro128**', s: [0, 0, 0, 0] })).toThrow(/all four words are zero/);
    expect(() => createRng({ kind: 'xoshiro128**', s: [1, -2, 3, 4] })).toThrow(/rng state: expected/);
    expect(() => createRng({ kind: 'xoshiro128**', s: [1, 2 ** 32, 3, 4] })).toThrow(/rng state: expected/);
  });

  it('the raw stream, splitmix32 and the counter-based hashes keep their values', () => {
    const x = xoshiro128(7);
    expect(x.nextU32() / 4294967296).toBe(0.23382771760225296); // scaling-fit's first bootstrap uniform for seed 7
    expect(splitmix32(0)()).toBe(fmix32(0x9e3779b9));
    expect(splitmixHash(0)).toBe(fmix32(0x9e3779b9));
    expect([hash32(5, 1, 123), hash32(5, 2, 2 ** 40 + 7), hashUniform(9, 3, 77)]).toEqual([3985148896, 2347625774, 0.8964770480524749]);
    expect(hashName(3, 'a')).not.toBe(hashName(3, 'b'));
  });

  it('uniforms are in [0, 1) and roughly uniform; normals have mean 0 and variance 1', () => {
    const r = createRng(1);
    let s = 0, s2 = 0, n = 20000, lo = 1, hi = 0;
    for (let i = 0; i < n; i++) { const u = r.uniform(); lo = Math.min(lo, u); hi = Math.max(hi, u); s += u; }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(Math.abs(s / n - 0.5)).toBeLessThan(0.01);
    s = 0;
    for (let i = 0; i < n; i++) { const z = r.normal(); s += z; s2 += z * z; }
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.04);
  });
});
