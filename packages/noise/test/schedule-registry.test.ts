// λ schedules are values: built-ins and plug-ins are registered, resolved by id and checked by the same kit.
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@difflm/test-utils';
import { describeScheduleConformance, scheduleConformanceChecks } from '@difflm/noise/testing';
import {
  cosineSchedule, cosineScheduleType, createNoiseRegistry, createObjective, createScheduleRegistry, defineSchedule, giddNoise, linearScheduleType,
  logLinearScheduleType, maskedNoise, type LogSnrRange,
} from '../src/index.js';

beforeAll(async () => { await useBackend('cpu'); });

describeScheduleConformance(linearScheduleType, { describe, it });
describeScheduleConformance(cosineScheduleType, { describe, it });
describeScheduleConformance(cosineScheduleType, { describe, it }, { range: { minLogSnr: -4, maxLogSnr: 6 } });
describeScheduleConformance(logLinearScheduleType, { describe, it });
describeScheduleConformance(logLinearScheduleType, { describe, it }, { options: { eps: 1e-3 } });

const tokens = { vocabSize: 12, maskId: 11, padId: 10 };
/** A shifted cosine schedule, written the way a third party would: λ_s(t) = λ_cos(t) + shift. */
const shifted = defineSchedule({
  id: 'acme/shifted-cosine', description: 'cosine shifted by a constant in λ',
  parseOptions(raw: unknown): { shift: number } {
    if (raw === undefined) return { shift: 0 };
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('options must be an object');
    const shift = (raw as { shift?: unknown }).shift ?? 0;
    if (typeof shift !== 'number' || !Number.isFinite(shift)) throw new Error('shift must be a finite number');
    return { shift };
  },
  create({ shift }: { shift: number }, range: LogSnrRange) {
    const base = cosineSchedule({ minLogSnr: range.minLogSnr - shift, maxLogSnr: range.maxLogSnr - shift });
    return {
      name: 'shifted-cosine', minLogSnr: range.minLogSnr, maxLogSnr: range.maxLogSnr,
      density: (l: number) => base.density(l - shift),
      timeFromLogSnr: (l: number) => base.timeFromLogSnr(l - shift),
      logSnrFromTime: (t: number) => base.logSnrFromTime(t) + shift,
    };
  },
});
describeScheduleConformance(shifted, { describe, it }, { options: { shift: 2 } });

describe('the schedule registry', () => {
  it('resolves built-ins by bare name or id, plug-ins by id, and names the known ids otherwise', () => {
    const reg = createScheduleRegistry([shifted]);
    expect(reg.ids()).toEqual(['acme/shifted-cosine', 'difflm/cosine', 'difflm/linear', 'difflm/log-linear']);
    const obj = createObjective({ id: 'difflm/masked' }, tokens, { schedule: 'acme/shifted-cosine', scheduleOptions: { shift: 1.5 } }, createNoiseRegistry(), reg);
    expect(obj.schedule.name).toBe('shifted-cosine');
    expect(obj.schedule.density(1.5)).toBeCloseTo(cosineSchedule().density(0), 12);
    expect(createObjective({ id: 'difflm/masked' }, tokens, { schedule: 'cosine' }).schedule.name).toBe('cosine');
    expect(createObjective({ id: 'difflm/masked' }, tokens, { schedule: 'difflm/linear' }).schedule.name).toBe('linear');
    expect(() => createObjective({ id: 'difflm/masked' }, tokens, { schedule: 'acme/shifted-cosine' })).toThrow(/schedule: unknown schedule id "acme\/shifted-cosine"; known: process, difflm\/cosine, difflm\/linear, difflm\/log-linear .*--plugins/);
    expect(() => createObjective({ id: 'difflm/masked' }, tokens, { schedule: 'acme/shifted-cosine', scheduleOptions: { shift: 'x' } }, createNoiseRegistry(), reg)).toThrow(/scheduleOptions \(acme\/shifted-cosine\): shift must be a finite number/);
    expect(() => createObjective({ id: 'difflm/gidd' }, tokens, { schedule: 'process', scheduleOptions: {} })).toThrow(/scheduleOptions has no meaning with schedule 'process'/);
    expect(createObjective({ id: 'difflm/gidd', options: { pUniform: 0.1 } }, tokens).schedule.name).not.toBe('linear');
  });

  it('one list of loaded modules serves both registries: each takes its own kind', () => {
    const modules = [{ default: shifted }, { default: maskedNoise }, giddNoise];
    expect(createScheduleRegistry(modules).has('acme/shifted-cosine')).toBe(true);
    expect(() => createNoiseRegistry([{ default: shifted }])).not.toThrow();
    expect(() => createScheduleRegistry([{ default: { kind: 'something' } }])).toThrow(/schedule plug-in #1 is not a difflm schedule plug-in/);
    expect(() => createScheduleRegistry([linearScheduleType])).toThrow(/schedule id "difflm\/linear" is registered twice/);
  });

  it('the kit fails a schedule whose density is not the derivative of its time map', () => {
    const wrong = defineSchedule({ ...shifted, id: 'acme/wrong', create: (o: { shift: number }, r: LogSnrRange) => ({ ...shifted.create(o, r), density: () => 0.1 }) });
    const failed: string[] = [];
    for (const c of scheduleConformanceChecks(wrong)) { try { c.run(); } catch { failed.push(c.name); } }
    expect(failed).toEqual(['p(λ) is positive and equals −dt/dλ (the density of λ under uniform time)']);
  });

  it('the kit fails a schedule whose sampling times would run the sampler\'s grid backwards', () => {
    const backwards = defineSchedule({ ...shifted, id: 'acme/backwards', create: (o: { shift: number }, r: LogSnrRange) => ({ ...shifted.create(o, r), samplingTimes: [0.9, 0.1] as const }) });
    const failed: string[] = [];
    for (const c of scheduleConformanceChecks(backwards)) { try { c.run(); } catch (e) { failed.push(`${c.name}: ${(e as Error).message}`); } }
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/^as a sampler's λ grid, .*samplingTimes \[0.9, 0.1\] must satisfy 0 < data end < noise end < 1/);
  });
});
