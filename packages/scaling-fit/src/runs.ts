// The input table: one training run per row, as produced by difflm's sweeps or read from anyone's CSV/JSONL.
// A run's size is its parameter count P and/or its FLOPs per token M (M defaults to 6P, Method 2, SPEC §5.3);
// tokens D and compute C determine each other through C = M·D.

/** A logged loss curve: tokens seen and the loss at each logged point (ascending tokens). */
export interface LossCurve {
  tokens: readonly number[];
  loss: readonly number[];
}

/** One training run as supplied by the caller. Give params or flopsPerToken, and tokens or compute. */
export interface ScalingRun {
  id?: string;
  /** Grouping key (e.g. noise type); runs without one form the group "all". */
  group?: string;
  /** Non-embedding parameters P. */
  params?: number;
  /** FLOPs per token M (Method 1 or 2); defaults to 6P. */
  flopsPerToken?: number;
  /** Training tokens D. */
  tokens?: number;
  /** Training compute C = M·D. */
  compute?: number;
  /** Final loss; defaults to the curve's last point. */
  loss?: number;
  /** Batch size in tokens. */
  batchSize?: number;
  /** (Base) learning rate. */
  learningRate?: number;
  curve?: LossCurve;
  /** Standard error of `loss` as an estimate (e.g. of a held-out evaluation); shown as an error bar. */
  lossStandardError?: number;
  /** Spread (sample standard deviation) of `loss` over replicate runs of this point; shown as an error bar. */
  lossSpread?: number;
  /** Replicate runs averaged into `loss` (default 1). */
  replicates?: number;
  /**
   * The training run (or set of replicate runs) this row's loss was read from, when several rows come from one
   * run (losses at several budgets read off one run): rows of one trajectory share that run's noise, and the
   * run-noise bootstrap draws it once per trajectory. Default: the row's id (every row its own run).
   */
  trajectory?: string;
}

/** A run with every derived field filled in and checked. */
export interface ResolvedRun {
  id: string;
  group: string;
  params: number | undefined;
  flopsPerToken: number;
  tokens: number;
  compute: number;
  loss: number;
  batchSize: number | undefined;
  learningRate: number | undefined;
  curve: LossCurve | undefined;
  lossStandardError: number | undefined;
  lossSpread: number | undefined;
  replicates: number;
  trajectory: string;
}

/** A run that was dropped, with the reason. */
export interface RunIssue {
  index: number;
  id: string;
  message: string;
}

const bad = (v: number | undefined): boolean => v !== undefined && !(Number.isFinite(v) && v > 0);

/** Fill in M, D, C and loss for one run; throws an Error naming the field and the fix. */
export function resolveRun(run: ScalingRun, index: number): ResolvedRun {
  const id = run.id ?? `run-${index}`;
  const where = `run ${id}`;
  for (const f of ['params', 'flopsPerToken', 'tokens', 'compute', 'loss', 'batchSize', 'learningRate'] as const) {
    if (bad(run[f])) throw new Error(`${where}: ${f} must be a finite positive number, got ${run[f]}`);
  }
  for (const f of ['lossStandardError', 'lossSpread'] as const) {
    const v = run[f];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw new Error(`${where}: ${f} must be a finite number >= 0, got ${v}`);
  }
  if (run.replicates !== undefined && !(Number.isInteger(run.replicates) && run.replicates >= 1)) throw new Error(`${where}: replicates must be an integer >= 1, got ${run.replicates}`);
  const M = run.flopsPerToken ?? (run.params !== undefined ? 6 * run.params : undefined);
  if (M === undefined) throw new Error(`${where}: give params or flopsPerToken (the model size)`);
  let curve = run.curve;
  if (curve) {
    if (curve.tokens.length !== curve.loss.length || curve.tokens.length === 0) throw new Error(`${where}: curve.tokens and curve.loss must be non-empty and of equal length`);
    for (let i = 0; i < curve.tokens.length; i++) {
      if (bad(curve.tokens[i]) || bad(curve.loss[i])) throw new Error(`${where}: curve point ${i} must have positive finite tokens and loss, got (${curve.tokens[i]}, ${curve.loss[i]})`);
    }
    const order = curve.tokens.map((_, i) => i).sort((a, b) => curve!.tokens[a]! - curve!.tokens[b]!);
    curve = { tokens: order.map((i) => curve!.tokens[i]!), loss: order.map((i) => curve!.loss[i]!) };
  }
  const tokens = run.tokens ?? (run.compute !== undefined ? run.compute / M : curve?.tokens.at(-1));
  if (tokens === undefined) throw new Error(`${where}: give tokens or compute (or a loss curve)`);
  const loss = run.loss ?? curve?.loss.at(-1);
  if (loss === undefined) throw new Error(`${where}: give loss (or a loss curve)`);
  return {
    id,
    group: run.group ?? 'all',
    params: run.params,
    flopsPerToken: M,
    tokens,
    compute: run.compute ?? M * tokens,
    loss,
    batchSize: run.batchSize,
    learningRate: run.learningRate,
    curve,
    lossStandardError: run.lossStandardError,
    lossSpread: run.lossSpread,
    replicates: run.replicates ?? 1,
    trajectory: run.trajectory ?? id,
  };
}

/** Resolve every run, collecting the ones that fail instead of throwing. */
export function resolveRuns(runs: readonly ScalingRun[]): { runs: ResolvedRun[]; issues: RunIssue[] } {
  const out: ResolvedRun[] = [];
  const issues: RunIssue[] = [];
  runs.forEach((r, i) => {
    try { out.push(resolveRun(r, i)); } catch (e) { issues.push({ index: i, id: r.id ?? `run-${i}`, message: (e as Error).message }); }
  });
  return { runs: out, issues };
}

/** Epoch's outlier rule: keep runs whose loss is strictly below the k-th largest loss (k = 5 drops 5 of 245). */
export function dropTopLoss<T extends { loss?: number }>(runs: readonly T[], k: number): T[] {
  if (!(Number.isInteger(k) && k >= 0)) throw new Error(`dropTopLoss: k must be a non-negative integer, got ${k}`);
  if (k === 0) return runs.slice();
  const losses = runs.map((r) => r.loss ?? NaN).filter(Number.isFinite).sort((a, b) => b - a);
  if (losses.length < k) throw new Error(`dropTopLoss: asked to drop ${k} runs but only ${losses.length} have a loss`);
  const threshold = losses[k - 1]!;
  return runs.filter((r) => r.loss !== undefined && r.loss < threshold);
}
