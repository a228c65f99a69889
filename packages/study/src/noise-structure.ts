// The structure of a study's run noise, from its replicated sizes (SCALING-METHOD.md, "Noise, before design"):
// how large one run's noise is, how much of it a run carries along its whole curve (persistence: what lets
// losses read at several budgets off one run share an offset), and how much of it is common to every size
// trained under the same seed (the same data order and noise draws: a common offset cancels in each IsoFLOP
// vertex). With deviations d(s, k, b) = ln L(size s, seed k, budget b) − mean over seeds, and K seeds:
//   total     T = mean over (s, b) of Σ_k d² / (K − 1)
//   along-run P = mean over (s, b ≠ b′) of Σ_k d(s,k,b)·d(s,k,b′) / (K − 1)     persistence = P / T
//   per seed  S = mean over (s ≠ s′, b) of Σ_k d(s,k,b)·d(s′,k,b) / (K − 1)     shared across sizes = S / T
// Three seeds give each covariance two degrees of freedom per pair: the pooled ratios are rough, and a
// persistence or sharing read from them is reported with the number of pairs behind it.
import type { GridPoint } from './grid-points.js';

export interface NoiseStructure {
  readonly group: string;
  /** Seeds common to every replicated point used (the runs compared). */
  readonly seeds: readonly number[];
  /** Replicated sizes and the budgets read on every one of their seeds. */
  readonly sizes: readonly string[];
  readonly budgets: readonly number[];
  /** √T: one run's relative noise (sd of ln L across seeds, pooled over sizes and budgets). */
  readonly relativeSpread: number;
  /** P / T (undefined with one budget). */
  readonly persistence: number | undefined;
  /** Persistence between neighbouring budgets and between the first and last budget read. */
  readonly persistenceAdjacent: number | undefined;
  readonly persistenceEnds: number | undefined;
  /** S / T (undefined with one replicated size). */
  readonly sharedAcrossSizes: number | undefined;
  /** Pairs behind each ratio. */
  readonly pairs: { readonly alongRun: number; readonly acrossSizes: number };
}

/** Noise structure per noise group from grid points with replicates (points of the same size and seeds). */
export function noiseStructure(points: readonly GridPoint[]): NoiseStructure[] {
  const out: NoiseStructure[] = [];
  for (const group of [...new Set(points.map((p) => p.noise))].sort()) {
    const reps = points.filter((p) => p.noise === group && p.runs.length > 1);
    if (reps.length === 0) continue;
    // Seeds every replicated point has: compare like with like.
    const seedSets = reps.map((p) => new Set(p.runs.map((m) => m.run.config.seed)));
    const seeds = [...seedSets[0]!].filter((s) => seedSets.every((set) => set.has(s))).sort((a, b) => a - b);
    const K = seeds.length;
    if (K < 2) continue;
    // d[size][budget] = deviations by seed (in `seeds` order).
    const dev = new Map<string, Map<number, number[]>>();
    for (const p of reps) {
      const logs = seeds.map((s) => Math.log(p.runs.find((m) => m.run.config.seed === s)!.loss));
      const mean = logs.reduce((a, v) => a + v, 0) / K;
      const bySize = dev.get(p.model) ?? new Map<number, number[]>();
      bySize.set(p.budget, logs.map((v) => v - mean));
      dev.set(p.model, bySize);
    }
    const cov = (a: readonly number[], b: readonly number[]): number => a.reduce((s, v, i) => s + v * b[i]!, 0) / (K - 1);
    let t = 0, nt = 0, pa = 0, npa = 0, adj = 0, nadj = 0, ends = 0, nends = 0, sh = 0, nsh = 0;
    const sizes = [...dev.keys()].sort();
    const budgets = [...new Set(reps.map((p) => p.budget))].sort((a, b) => a - b);
    for (const s of sizes) {
      const bySize = dev.get(s)!;
      const bs = [...bySize.keys()].sort((a, b) => a - b);
      const d = bs.map((b) => bySize.get(b)!);
      for (const x of d) { t += cov(x, x); nt++; }
      for (let i = 0; i < bs.length; i++) for (let j = i + 1; j < bs.length; j++) {
        const c = cov(d[i]!, d[j]!);
        pa += c; npa++;
        if (j === i + 1) { adj += c; nadj++; }
        if (i === 0 && j === bs.length - 1) { ends += c; nends++; }
      }
    }
    for (let i = 0; i < sizes.length; i++) for (let j = i + 1; j < sizes.length; j++) {
      const a = dev.get(sizes[i]!)!, b = dev.get(sizes[j]!)!;
      for (const [budget, da] of a) {
        const db = b.get(budget);
        if (db) { sh += cov(da, db); nsh++; }
      }
    }
    const T = t / nt;
    out.push({
      group, seeds, sizes, budgets,
      relativeSpread: Math.sqrt(T),
      persistence: npa ? pa / npa / T : undefined,
      persistenceAdjacent: nadj ? adj / nadj / T : undefined,
      persistenceEnds: nends ? ends / nends / T : undefined,
      sharedAcrossSizes: nsh ? sh / nsh / T : undefined,
      pairs: { alongRun: npa, acrossSizes: nsh },
    });
  }
  return out;
}
