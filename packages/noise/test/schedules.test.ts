// λ-densities and time maps: p(λ) = |dt/dλ|, t(λ(t)) = t, stratified draws cover [0, 1) evenly.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cosineSchedule, createRng, giddSchedule, linearSchedule, logLinearSchedule, logSnrFromUniform, stratifiedUniforms, timeRange } from '../src/index.js';

const schedules = [linearSchedule(), cosineSchedule(), giddSchedule(0.1), giddSchedule(0), logLinearSchedule()];

describe('schedules', () => {
  it('p(λ) = |dt/dλ| and t ↔ λ round-trips inside the range', () => {
    for (const s of schedules) {
      fc.assert(fc.property(fc.double({ min: s.minLogSnr + 0.01, max: s.maxLogSnr - 0.01, noNaN: true }), (l) => {
        const h = 1e-5;
        const fd = Math.abs(s.timeFromLogSnr(l + h) - s.timeFromLogSnr(l - h)) / (2 * h);
        expect(Math.abs(s.density(l) - fd)).toBeLessThan(1e-6 + 1e-5 * fd);
        expect(s.logSnrFromTime(s.timeFromLogSnr(l))).toBeCloseTo(l, 8);
      }), { numRuns: 100 });
    }
  });
  it('λ from uniforms stays in [λmin, λmax] and hits both ends', () => {
    for (const s of schedules) {
      const [tMin, tMax] = timeRange(s);
      expect(tMin).toBeLessThan(tMax);
      expect(logSnrFromUniform(s, 0)).toBeCloseTo(s.maxLogSnr, 8);
      expect(logSnrFromUniform(s, 1 - 1e-12)).toBeCloseTo(s.minLogSnr, 3);
    }
    expect(() => linearSchedule({ minLogSnr: 3, maxLogSnr: 3 })).toThrow(/inverted λ range/);
  });
  it('stratified uniforms put exactly one draw in each of n strata', () => {
    const u = stratifiedUniforms(64, createRng(7));
    const strata = new Set(Array.from(u, (v) => Math.floor(v * 64)));
    expect(strata.size).toBe(64);
    expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
  });
});
