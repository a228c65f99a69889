import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { wsdSchedule } from './schedule.js';

describe('warmup–stable–decay schedule (SPEC §4)', () => {
  it('stays in [0, η], warms up monotonically and cools down to near 0', () => {
    fc.assert(fc.property(
      fc.double({ min: 1e-5, max: 10, noNaN: true }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 2000 }), fc.double({ min: 0, max: 0.9, noNaN: true }),
      (peakLr, warmupSteps, totalSteps, cooldown) => {
        const s = wsdSchedule({ peakLr, warmupSteps, totalSteps, cooldown });
        let prev = -1;
        for (let k = 0; k < totalSteps; k++) {
          const lr = s.at(k);
          if (!(lr >= 0 && lr <= peakLr * (1 + 1e-12))) return false;
          if (k < Math.min(warmupSteps, totalSteps - s.cooldownSteps) && lr < prev) return false;
          prev = lr;
        }
        if (s.cooldownSteps >= 4 && !(s.at(totalSteps - 1) <= peakLr * (1 - Math.sqrt((s.cooldownSteps - 1) / s.cooldownSteps)) + 1e-12)) return false;
        return true;
      }), { numRuns: 200 });
  });

  it('has the exact linear warmup, plateau and sqrt cooldown values', () => {
    const s = wsdSchedule({ peakLr: 2, warmupSteps: 4, totalSteps: 20, cooldown: 0.25 });
    expect([0, 1, 2, 3, 4, 10].map((k) => s.at(k))).toEqual([0.5, 1, 1.5, 2, 2, 2]);
    expect(s.cooldownSteps).toBe(5);
    expect(s.at(15)).toBe(2);
    expect(s.at(16)).toBeCloseTo(2 * (1 - Math.sqrt(1 / 5)), 12);
    expect(s.at(19)).toBeCloseTo(2 * (1 - Math.sqrt(4 / 5)), 12);
  });

  it('names the bad field', () => {
    expect(() => wsdSchedule({ peakLr: -1, warmupSteps: 0, totalSteps: 1, cooldown: 0 })).toThrow(/peakLr/);
    expect(() => wsdSchedule({ peakLr: 1, warmupSteps: 0.5, totalSteps: 1, cooldown: 0 })).toThrow(/warmupSteps/);
  });
});
