// Warmup–stable–decay learning-rate schedule (SPEC §4, code `wsd_lr_schedule`): linear warmup 0 → η,
// constant, then an optional sqrt cooldown η·(1 − √(k/K)) over the last K steps.

export interface WsdScheduleOptions {
  /** Peak (base) learning rate η. */
  readonly peakLr: number;
  /** Linear warmup length in optimizer steps (SPEC §4: 2000 in the paper). */
  readonly warmupSteps: number;
  /** Total optimizer steps of the run (the cooldown ends here). */
  readonly totalSteps: number;
  /** Cooldown length: an absolute step count, or a fraction of totalSteps when < 1. 0 = none (the scaling sweeps). */
  readonly cooldown: number;
}

export interface LrSchedule {
  /** Base learning rate for optimizer step `step` (0-based). */
  at(step: number): number;
  readonly cooldownSteps: number;
}

export function wsdSchedule(o: WsdScheduleOptions): LrSchedule {
  if (!(o.peakLr >= 0) || !Number.isFinite(o.peakLr)) throw new Error(`schedule.peakLr must be a finite number >= 0, got ${o.peakLr}`);
  if (!(o.warmupSteps >= 0) || !Number.isInteger(o.warmupSteps)) throw new Error(`schedule.warmupSteps must be an integer >= 0, got ${o.warmupSteps}`);
  if (!(o.totalSteps >= 1) || !Number.isInteger(o.totalSteps)) throw new Error(`schedule.totalSteps must be an integer >= 1, got ${o.totalSteps}`);
  if (!(o.cooldown >= 0)) throw new Error(`schedule.cooldown must be >= 0 (steps, or a fraction < 1 of the run), got ${o.cooldown}`);
  const cooldownSteps = Math.min(o.totalSteps, o.cooldown < 1 ? Math.round(o.cooldown * o.totalSteps) : Math.round(o.cooldown));
  const decayStart = o.totalSteps - cooldownSteps;
  return {
    cooldownSteps,
    at(step) {
      const warm = o.warmupSteps > 0 ? Math.min(1, (step + 1) / o.warmupSteps) : 1;
      let decay = 1;
      if (cooldownSteps > 0 && step >= decayStart) {
        const k = Math.min(step - decayStart, cooldownSteps); // k ∈ [0, K]: 1 − √(k/K) ∈ [0, 1]
        decay = 1 - Math.sqrt(k / cooldownSteps);
      }
      return o.peakLr * Math.min(warm, decay);
    },
  };
}
