// The conformance kit of λ-schedule plug-ins (built-ins run it too): what the objective and the samplers rely on.
// A schedule maps time t ∈ [0, 1] (0 clean, 1 noise) to λ and back, and p(λ) is the density of λ when t is
// uniform, so p(λ) = −dt/dλ; λ sampling draws t uniformly on [t(λmax), t(λmin)] (log-snr-schedule.ts).
import { assertSchedulePlugin, type LogSnrRange, type SchedulePlugin } from '../schedule/schedule-type.js';
import { createScheduleRegistry } from '../schedule/schedule-registry.js';
import { logSnrGrid } from '../sampling/log-snr-grid.js';
import type { LogSnrSchedule } from '../schedule/log-snr-schedule.js';
import { pluginContractChecks, type ConformanceCheck, registerConformance, type ConformanceRunner } from './plugin-contract-checks.js';

export interface ScheduleConformanceOptions {
  /** Raw (JSON) options passed to parseOptions (default undefined = the plug-in's defaults). */
  readonly options?: unknown;
  /** The objective's λ range to build on (default [−9, 9]). */
  readonly range?: LogSnrRange;
  /** Points per probe grid (default 41). */
  readonly points?: number;
}

const fail = (msg: string): never => { throw new Error(msg); };

export function scheduleConformanceChecks(pluginOrModule: unknown, o: ScheduleConformanceOptions = {}): ConformanceCheck[] {
  const plugin: SchedulePlugin = assertSchedulePlugin(pluginOrModule, 'conformance subject');
  const range = o.range ?? { minLogSnr: -9, maxLogSnr: 9 };
  const n = o.points ?? 41;
  let cached: LogSnrSchedule | undefined;
  const schedule = (): LogSnrSchedule => (cached ??= plugin.create(plugin.parseOptions(o.options), range));
  const inner = (s: LogSnrSchedule): number[] => Array.from({ length: n }, (_, i) => s.minLogSnr + ((i + 0.5) / n) * (s.maxLogSnr - s.minLogSnr));
  return [
    ...pluginContractChecks(plugin, o.options),
    { name: 'registers in a registry and is rebuilt from a JSON spec', run() {
      const registry = createScheduleRegistry([plugin], { builtins: false });
      const spec = JSON.parse(JSON.stringify({ id: plugin.id, ...(o.options === undefined ? {} : { options: o.options }) })) as { id: string; options?: Record<string, unknown> };
      const s = registry.create(spec, range);
      const ref = schedule();
      for (const l of inner(ref)) if (s.density(l) !== ref.density(l)) fail(`the schedule rebuilt from JSON differs at λ = ${l}`);
    } },
    { name: 'has a finite λ range and maps its ends to times in [0, 1]', run() {
      const s = schedule();
      if (!(Number.isFinite(s.minLogSnr) && Number.isFinite(s.maxLogSnr) && s.minLogSnr < s.maxLogSnr)) fail(`λ range [${s.minLogSnr}, ${s.maxLogSnr}] must be finite and increasing`);
      const t0 = s.timeFromLogSnr(s.maxLogSnr), t1 = s.timeFromLogSnr(s.minLogSnr);
      if (!(t0 >= 0 && t1 <= 1 && t0 < t1)) fail(`t(λmax) = ${t0} and t(λmin) = ${t1} must satisfy 0 ≤ t(λmax) < t(λmin) ≤ 1`);
    } },
    { name: 't(λ) decreases and λ(t) inverts it on the range', run() {
      const s = schedule();
      let prev = Infinity;
      for (const l of inner(s)) {
        const t = s.timeFromLogSnr(l);
        if (!(t < prev)) fail(`t(λ) must decrease: t(${l}) = ${t} is not below the previous ${prev}`);
        prev = t;
        const back = s.logSnrFromTime(t);
        if (!(Math.abs(back - l) <= 1e-6 * (1 + Math.abs(l)))) fail(`λ(t(${l})) = ${back}, not ${l}`);
      }
    } },
    { name: 'λ(t) stays inside the range for every t in [0, 1]', run() {
      const s = schedule();
      for (let i = 0; i <= n; i++) {
        const l = s.logSnrFromTime(i / n);
        if (!(l >= s.minLogSnr - 1e-12 && l <= s.maxLogSnr + 1e-12)) fail(`λ(${i / n}) = ${l} is outside [${s.minLogSnr}, ${s.maxLogSnr}]`);
      }
    } },
    { name: 'as a sampler\'s λ grid, its steps run from noise to data inside the range', run() {
      const s = schedule();
      if (s.samplingTimes !== undefined) {
        const [a, b] = s.samplingTimes;
        if (!(a > 0 && b < 1 && a < b)) fail(`samplingTimes [${a}, ${b}] must satisfy 0 < data end < noise end < 1`);
      }
      const g = logSnrGrid(s, 16, [s.minLogSnr, s.maxLogSnr]);
      for (let i = 0; i < g.length; i++) {
        if (!(Number.isFinite(g[i]!) && g[i]! >= s.minLogSnr && g[i]! <= s.maxLogSnr)) fail(`grid step ${i} is λ = ${g[i]}, outside [${s.minLogSnr}, ${s.maxLogSnr}]`);
        if (i > 0 && !(g[i]! >= g[i - 1]!)) fail(`the grid must run from noise to data: λ falls from ${g[i - 1]} to ${g[i]} at step ${i}`);
      }
      if (!(g[16]! > g[0]!)) fail('the grid does not move: its first and last λ are equal');
    } },
    { name: 'p(λ) is positive and equals −dt/dλ (the density of λ under uniform time)', run() {
      const s = schedule();
      for (const l of inner(s)) {
        const p = s.density(l);
        if (!(p > 0 && Number.isFinite(p))) fail(`p(${l}) = ${p} must be positive and finite`);
        const h = 1e-4 * (1 + Math.abs(l));
        const d = -(s.timeFromLogSnr(l + h) - s.timeFromLogSnr(l - h)) / (2 * h);
        if (!(Math.abs(p - d) <= 1e-4 * Math.abs(d) + 1e-9)) fail(`p(${l}) = ${p}, but −dt/dλ = ${d}`);
      }
    } },
  ];
}

/** Register every schedule check with a test runner's `it` (and `describe`, when given). */
export function describeScheduleConformance(
  pluginOrModule: unknown,
  runner: ConformanceRunner,
  options?: ScheduleConformanceOptions,
): void {
  const plugin = assertSchedulePlugin(pluginOrModule, 'conformance subject');
  registerConformance(`schedule conformance: ${plugin.id}`, () => scheduleConformanceChecks(plugin, options), runner);
}
