// One fully resolved run of a study: everything a worker needs to train it, and nothing else, so its
// hash is a stable, idempotent run id.
import { cooldownBranchStart } from '@difflm/trainer';
import { createHash } from 'node:crypto';
import type { NoiseSpec } from '@difflm/noise';

export interface RunConfig {
  /** Group label of the noise type (reports group by it). */
  readonly noiseLabel: string;
  readonly noise: NoiseSpec;
  readonly model: { readonly name: string; readonly layers: number; readonly width: number; readonly heads: number; readonly init?: 'nested' };
  readonly seqLen: number;
  readonly data: { readonly corpus: string; readonly tokenizer: string };
  /** The IsoFLOP budget this run belongs to (non-embedding FLOPs, Method 1). */
  readonly budgetFlops: number;
  /** Method 1 FLOPs per token, M = 6P + 12·L·d·N (SPEC §3). */
  readonly flopsPerToken: number;
  /** The paper's non-embedding parameter count P. */
  readonly params: number;
  readonly batchSequences: number;
  readonly steps: number;
  /** Training tokens D = steps · batch · seqLen (≥ budget / M). */
  readonly tokens: number;
  /** Base learning rate η_base (SPEC §4; the trainer divides the bulk LR by d). */
  readonly lr: number;
  readonly warmupSteps: number;
  readonly seed: number;
  readonly trainer: Readonly<Record<string, unknown>>;
  /**
   * Losses read along the run (the `curve` design): a held-out evaluation at each step, which is where the run
   * has spent that budget's FLOPs. Absent for a run whose only loss is its final one.
   */
  readonly reads?: readonly { readonly budget: number; readonly step: number }[];
  /**
   * Where the reads come from when not from held-out evaluations: `train-ema`, the curve fitted to the run's own
   * training ELBO (the curve design's paper reading), which needs no evaluation along the way. Absent: a held-out
   * evaluation at each read's step.
   */
  readonly readFrom?: 'train-ema';
  /**
   * With reads, read each budget off a cooldown branch instead of the run itself (the `branches` design): at each
   * read's step a branch that left the run `fraction` of the way back, cooled down to that step, evaluated held out.
   */
  readonly branches?: { readonly fraction: number };
}

/**
 * Steps of the cooldown branches a run trains beside its own (the branches design): for each read step T the trainer
 * leaves the run where `cooldownBranchStart` says and trains back to T.
 */
export function branchSteps(c: Pick<RunConfig, 'reads' | 'branches'>): number {
  if (!c.branches || !c.reads) return 0;
  let steps = 0;
  for (const t of new Set(c.reads.map((r) => r.step))) steps += t - cooldownBranchStart(t, c.branches.fraction);
  return steps;
}

/** Tokens a run trains in all, its cooldown branches included: what its compute is counted on. */
export function trainedTokens(c: Pick<RunConfig, 'reads' | 'branches' | 'tokens' | 'batchSequences' | 'seqLen'>): number {
  return c.tokens + branchSteps(c) * c.batchSequences * c.seqLen;
}

/** JSON with object keys sorted, so equal configs hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Idempotent run id: `r` + the first 16 hex digits of sha256(canonical config). Safe as a file name. `readFrom` is
 * left out: it says which evaluations a run may skip, not what it trains, so a study planned before it existed keeps
 * its run ids (and its finished runs) under a version that plans it.
 */
export function runIdOf(config: RunConfig): string {
  const { readFrom: _, ...identity } = config;
  return `r${createHash('sha256').update(canonicalJson(identity)).digest('hex').slice(0, 16)}`;
}

/** Run ids are `r` + 16 lowercase hex digits; anything else is refused before touching the disk. */
export function assertRunId(id: string): string {
  if (!/^r[0-9a-f]{16}$/.test(id)) throw new Error(`"${id}" is not a run id (expected "r" followed by 16 hex digits, see \`difflm runs list\`)`);
  return id;
}
