// The step loop: micro-batches → gradients (accumulated) → optional global-norm clip → CompleteP
// groups at the scheduled LR → optimizer update. Every random draw comes from one Rng whose state is
// part of TrainerState, so a restored trainer continues the same trajectory.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { createRng, withHostValues } from '@difflm/noise';
import { stepsForBudget, type Budget } from './budget.js';
import { createOptimizerRegistry, type OptimizerRegistry } from './optimizer-registry.js';
import type { OptimizerTypes } from './optimizer-type.js';
import type { TrainableModel } from './model-port.js';
import type { Optimizer } from './optimizer.js';
import { sumOfSquares } from './fused-update.js';
import { completePGroups, defaultBeta2, defaultEpsilon } from './param-groups.js';
import { wsdSchedule, type LrSchedule } from './schedule.js';
import type { TokenBatchSource } from './token-batch-source.js';
import type { TrainerState } from './trainer-state.js';
import type { TrainingObjective } from './training-objective.js';

/** Every registered optimizer id (built-ins plus augmentations). */
export type OptimizerId = keyof OptimizerTypes & string;

export interface OptimizerOptions {
  /** An optimizer type's id from the optimizer registry ("laprop", "adamw" — bare names are difflm's — or a plug-in's). */
  readonly kind: 'laprop' | 'adamw' | OptimizerId | (string & {});
  /** Options of the optimizer type (its parseOptions checks them). */
  readonly options?: Readonly<Record<string, unknown>>;
  readonly beta1?: number;
  /** Default 0.99, or 0.98 for batches of ≥ 256 sequences (SPEC §4). */
  readonly beta2?: number;
  /** Default 1e−8/(d·L) (SPEC §4). */
  readonly epsilon?: number;
  readonly weightDecay?: number;
  /** Aux-group LR as a fraction of η (SPEC §4: 0.02). */
  readonly auxLrScale?: number;
}

export interface ScheduleOptions {
  /** Base LR η (SPEC §4: 0.3 at B = 64). */
  readonly peakLr: number;
  readonly warmupSteps: number;
  /** Cooldown steps, or a fraction of the run when < 1; 0 = none. */
  readonly cooldown?: number;
}

export interface TrainerOptions {
  readonly model: TrainableModel;
  readonly objective: TrainingObjective;
  readonly data: TokenBatchSource;
  readonly optimizer: OptimizerOptions;
  /** The optimizer types `optimizer.kind` may name (default: the built-ins). */
  readonly optimizers?: OptimizerRegistry;
  readonly schedule: ScheduleOptions;
  readonly budget: Budget;
  /** Micro-batches per optimizer step (default 1). Gradients are averaged over them. */
  readonly gradAccumSteps?: number;
  /** Global-norm clip threshold; null/undefined = none (SPEC §1.5: none at HEAD). */
  readonly clipGradNorm?: number | null;
  /** Skip the optimizer update of a step whose gradient norm is NaN or infinite (default true). */
  readonly skipNonFiniteUpdates?: boolean;
  readonly seed: number;
}

/** Plain numbers for callbacks and metrics.jsonl. */
export interface StepMetrics {
  readonly step: number;
  readonly loss: number;
  /** Training-batch ELBO (diffusion) or cross-entropy (AR), nats per token. */
  readonly elbo: number;
  readonly lr: number;
  readonly gradNorm: number;
  readonly tokens: number;
  readonly flops: number;
  readonly tokensPerSec: number;
}

export interface Trainer {
  readonly totalSteps: number;
  readonly tokensPerStep: number;
  readonly schedule: LrSchedule;
  readonly optimizer: Optimizer;
  /** Optimizer steps completed. */
  readonly step: number;
  /** Tokens and non-embedding FLOPs consumed so far. */
  readonly tokens: number;
  readonly flops: number;
  readonly done: boolean;
  /** One optimizer step. */
  trainStep(): Promise<StepMetrics>;
  /** The state for a checkpoint (synchronous device reads: use getStateAsync on a backend that cannot, e.g. WebGPU). */
  getState(): TrainerState;
  /** getState after reading every state tensor asynchronously (works on every backend). */
  getStateAsync(): Promise<TrainerState>;
  setState(state: TrainerState): void;
  /**
   * Replace the LR schedule until cleared (null): `lr(step)` gets the number of steps completed before the update.
   * A cooldown branch off a constant-LR trunk uses it; getState/setState bring the trunk back.
   */
  setLrOverride(lr: ((step: number) => number) | null): void;
  /** Disposes the optimizer moments (the model belongs to the caller). */
  dispose(): void;
}

export function createTrainer(o: TrainerOptions): Trainer {
  const { model, objective, data } = o;
  const shape = model.shape;
  if (objective.causal !== shape.causal) {
    throw new Error(`model.causal is ${shape.causal} but the ${objective.kind} objective needs causal = ${objective.causal}: build the model with causal: ${objective.causal}`);
  }
  if (data.seqLen > shape.seqLen) throw new Error(`data seqLen ${data.seqLen} exceeds the model's seqLen ${shape.seqLen}: lower --seq-len or build a longer model`);
  const accum = o.gradAccumSteps ?? 1;
  if (!Number.isInteger(accum) || accum < 1) throw new Error(`gradAccumSteps must be an integer >= 1, got ${accum}`);
  if (o.clipGradNorm != null && !(o.clipGradNorm > 0)) throw new Error(`clipGradNorm must be > 0 or null, got ${o.clipGradNorm}`);
  const tokensPerStep = data.batchSize * data.seqLen * accum;
  const flopsPerToken = model.flopsPerToken();
  const totalSteps = stepsForBudget(o.budget, tokensPerStep, flopsPerToken);
  const schedule = wsdSchedule({ peakLr: o.schedule.peakLr, warmupSteps: o.schedule.warmupSteps, totalSteps, cooldown: o.schedule.cooldown ?? 0 });
  const hyper = {
    beta1: o.optimizer.beta1 ?? 0.9,
    beta2: o.optimizer.beta2 ?? defaultBeta2(data.batchSize * accum),
    epsilon: o.optimizer.epsilon ?? defaultEpsilon(shape.dModel, shape.nLayers),
  };
  const optimizer = (o.optimizers ?? createOptimizerRegistry()).create(o.optimizer.kind, hyper, o.optimizer.options);
  const names = new Set<string>();
  for (const p of model.params) {
    if (names.has(p.variable.name)) throw new Error(`model parameter variables must have unique names; '${p.variable.name}' repeats`);
    names.add(p.variable.name);
  }
  const vars = model.params.map((p) => p.variable);
  let rng = createRng(o.seed);
  let step = 0, tokens = 0, flops = 0;
  let lrOverride: ((step: number) => number) | null = null;

  const nextBatch = (): Tensor2D => {
    const ids = data.next();
    if (ids.length !== data.batchSize * data.seqLen) throw new Error(`data source returned ${ids.length} ids, expected batchSize·seqLen = ${data.batchSize * data.seqLen}`);
    const host = Int32Array.from(ids);
    return withHostValues(tf.tensor2d(host, [data.batchSize, data.seqLen], 'int32'), host); // [B, N]
  };

  // Results are read back asynchronously: a GPU backend (WebGPU) cannot read a computed tensor synchronously.
  const trainStep = async (): Promise<StepMetrics> => {
    const t0 = performance.now();
    let acc: Record<string, Tensor> = {};
    let lossSum = 0, natsSum = 0, countSum = 0;
    for (let micro = 0; micro < accum; micro++) {
      const x = nextBatch();
      let nats: Tensor | null = null, count: Tensor | null = null;
      const { value, grads } = tf.variableGrads(() => {
        const t = objective.terms(model, x, rng);
        nats = tf.keep(t.nats);
        count = tf.keep(t.tokens);
        return t.loss;
      }, vars);
      x.dispose();
      const [n, lossValue, natsValue] = (await Promise.all([count!.data(), value.data(), nats!.data()])).map((d) => d[0]!) as [number, number, number];
      lossSum += lossValue;
      natsSum += natsValue * n;
      countSum += n;
      tf.dispose([value, nats!, count!]);
      const prev = acc;
      acc = {};
      for (const [name, g] of Object.entries(grads)) acc[name] = prev[name] ? tf.add(prev[name]!, g) : g;
      for (const [name, g] of Object.entries(prev)) { g.dispose(); grads[name]?.dispose(); }
    }
    // Average the micro-batch gradients, then measure (and optionally clip) the global L2 norm.
    const sumSq = sumOfSquares(Object.values(acc));
    const gradNorm = Math.sqrt((await sumSq.data())[0]!) / accum;
    sumSq.dispose();
    // Optional global-norm clip (SPEC §1.5: clip_by_global_norm(1.0) exists in the code but is off at HEAD).
    const scale = (1 / accum) * (o.clipGradNorm != null && gradNorm > o.clipGradNorm ? o.clipGradNorm / gradNorm : 1);
    if (scale !== 1) {
      const scaled: Record<string, Tensor> = {};
      for (const [name, g] of Object.entries(acc)) { scaled[name] = tf.mul(g, scale); g.dispose(); }
      acc = scaled;
    }
    const lr = lrOverride ? lrOverride(step) : schedule.at(step);
    // A non-finite gradient (an overflowing loss term) would poison the optimizer's moments for good:
    // skip that update, keep the step count (budgets stay exact) and report the norm as it was.
    if (Number.isFinite(gradNorm) || !(o.skipNonFiniteUpdates ?? true)) {
      optimizer.update(model.params, acc, completePGroups(lr, { dModel: shape.dModel, auxLrScale: o.optimizer.auxLrScale, weightDecay: o.optimizer.weightDecay }));
    }
    tf.dispose(Object.values(acc));
    step += 1;
    tokens += tokensPerStep;
    flops += flopsPerToken * tokensPerStep;
    const seconds = (performance.now() - t0) / 1000;
    return {
      step, loss: lossSum / accum, elbo: countSum > 0 ? natsSum / countSum : 0, lr, gradNorm,
      tokens, flops, tokensPerSec: seconds > 0 ? tokensPerStep / seconds : 0,
    };
  };

  return {
    totalSteps, tokensPerStep, schedule, optimizer,
    get step() { return step; },
    get tokens() { return tokens; },
    get flops() { return flops; },
    get done() { return step >= totalSteps; },
    trainStep,
    async getStateAsync() {
      // Read every state tensor asynchronously first: a backend keeps the values it read, so getState's reads are then
      // host reads even where a synchronous device read is impossible (WebGPU in Node).
      await Promise.all([...model.params.map((p) => p.variable.data()), ...(optimizer.stateTensors?.() ?? []).map((t) => t.data())]);
      return this.getState();
    },
    getState() {
      const params: TrainerState['params'] = {};
      for (const p of model.params) params[p.name] = { shape: [...p.variable.shape], values: Float32Array.from(p.variable.dataSync() as Float32Array) };
      return { version: 1, step, tokens, flops, rng: rng.getState(), data: data.getPosition(), optimizer: optimizer.getState(), params };
    },
    setState(s) {
      if (s.version !== 1) throw new Error(`trainer state version ${String(s.version)} is not supported (expected 1)`);
      const implausible = implausibleState(s, { totalSteps, tokensPerStep, flopsPerToken, params: model.params.map((p) => p.name) })
        ?? (data.batchesAt && data.batchesAt(s.data) !== s.step * accum ? `its data position ${JSON.stringify(s.data)} is not where ${s.step} steps of ${accum} batch${accum === 1 ? '' : 'es'} end` : null);
      if (implausible) throw new Error(`the trainer state is not one this run can have reached: ${implausible}`);
      for (const p of model.params) {
        const t = s.params[p.name];
        if (!t) throw new Error(`trainer state has no weights for parameter '${p.name}': the checkpoint belongs to a different model config`);
        if (t.shape.join('x') !== p.variable.shape.join('x')) throw new Error(`parameter '${p.name}' has shape [${t.shape}] in the state but [${p.variable.shape}] in the model: the checkpoint belongs to a different model config`);
        tf.tidy(() => p.variable.assign(tf.tensor(t.values, t.shape, 'float32')));
      }
      optimizer.setState(s.optimizer);
      data.setPosition(s.data);
      rng = createRng(s.rng);
      step = s.step; tokens = s.tokens; flops = s.flops;
    },
    setLrOverride(lr) { lrOverride = lr; },
    dispose: () => optimizer.dispose(),
  };
}

/**
 * What a state says that its run cannot have reached, or null. The checks tie the counters to each other and to the
 * run (step within the budget, tokens = step × tokens per step, FLOPs = tokens × FLOPs per token, the optimizer's
 * update count within the step count), the optimizer moments to the parameters (every parameter has the same slots,
 * none belongs to no parameter, and a state past its first update has them), and every value to finite numbers. A
 * checkpoint digest catches damage; these catch a header or tensor that lies with a valid digest.
 */
export function implausibleState(s: TrainerState, run: { totalSteps: number; tokensPerStep: number; flopsPerToken: number; params: readonly string[] }): string | null {
  if (!Number.isSafeInteger(s.step) || s.step < 0) return `step ${JSON.stringify(s.step)} is not a step count`;
  if (s.step > run.totalSteps) return `step ${s.step} is beyond the run's budget of ${run.totalSteps} steps`;
  if (s.tokens !== s.step * run.tokensPerStep) return `tokens ${JSON.stringify(s.tokens)} is not step ${s.step} × ${run.tokensPerStep} tokens per step`;
  const flops = s.tokens * run.flopsPerToken;
  if (!(Math.abs(s.flops - flops) <= 1e-9 * Math.max(1, flops))) return `flops ${JSON.stringify(s.flops)} is not tokens ${s.tokens} × ${run.flopsPerToken} FLOPs per token`;
  const opt = s.optimizer;
  if (!Number.isSafeInteger(opt.step) || opt.step < 0 || opt.step > s.step) return `the optimizer's update count ${JSON.stringify(opt.step)} is not between 0 and the step ${s.step}`;
  const known = new Set(run.params);
  const slotNames = (name: string): string => Object.keys(opt.slots[name] ?? {}).sort().join(',');
  for (const name of Object.keys(opt.slots)) if (!known.has(name)) return `optimizer moments for '${name}', which is no parameter of the model`;
  const first = run.params.length ? slotNames(run.params[0]!) : '';
  for (const name of run.params) {
    if (slotNames(name) !== first) return `parameter '${name}' has optimizer moments [${slotNames(name)}] where '${run.params[0]}' has [${first}]`;
  }
  if (opt.step === 0 && first !== '' && run.params.some((n) => Object.values(opt.slots[n] ?? {}).some((t) => t.values.some((v) => v !== 0)))) {
    return 'the optimizer has made no update but holds non-zero moments';
  }
  for (const [name, t] of Object.entries(s.params)) if (!t.values.every(Number.isFinite)) return `parameter '${name}' holds a value that is not finite`;
  for (const [name, bySlot] of Object.entries(opt.slots)) {
    for (const [slot, t] of Object.entries(bySlot)) if (!t.values.every(Number.isFinite)) return `the optimizer moment '${slot}' of '${name}' holds a value that is not finite`;
  }
  return null;
}
