// Markdown and JSON summaries of a StudyFit (no plotting dependencies; the CLI's human output uses them).
import type { Interval } from './bootstrap.js';
import type { StudyFit } from './fit-study.js';

const fmt = (v: number, digits = 4): string => (Number.isFinite(v) ? (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(digits - 1) : v.toPrecision(digits)) : 'n/a');

/** "0.566 [−0.022, +0.019]" as in the paper's Table 1 (interval as offsets from the estimate). */
export function formatInterval(i: Interval | undefined, digits = 4): string {
  if (!i) return '—';
  if (!Number.isFinite(i.lower)) return fmt(i.estimate, digits);
  const lo = i.lower - i.estimate, hi = i.upper - i.estimate;
  return `${fmt(i.estimate, digits)} [${lo >= 0 ? '+' : '−'}${fmt(Math.abs(lo), 2)}, ${hi >= 0 ? '+' : '−'}${fmt(Math.abs(hi), 2)}]`;
}

/** A markdown report: exponent table, frontier laws, per-budget issues, hyperparameter laws, parametric fits. */
export function studyMarkdown(fit: StudyFit): string {
  const out: string[] = ['# Scaling-law fit', '', `Runs used: ${fit.runsUsed}; runs dropped: ${fit.runIssues.length}.`, ''];
  out.push('## Exponents (compute-optimal, against C)', '', '| group | α_M | α_P | α_D | α_L |', '|---|---|---|---|---|');
  for (const r of fit.exponentTable) out.push(`| ${r.group} | ${formatInterval(r.alphaM)} | ${formatInterval(r.alphaP)} | ${formatInterval(r.alphaD)} | ${formatInterval(r.alphaL)} |`);
  out.push('', '## Frontier laws y = A·C^α', '', '| group | quantity | source | A | α | E | R² | budgets |', '|---|---|---|---|---|---|---|---|');
  for (const f of fit.frontiers) out.push(`| ${f.group} | ${f.quantity} | ${f.source} | ${fmt(f.law.A, 5)} | ${fmt(f.law.alpha, 5)} | ${fmt(f.law.E)} | ${fmt(f.law.rSquared)} | ${f.points.length} |`);
  if (fit.frontierIssues.length) {
    out.push('', '## Frontiers not fitted', '');
    for (const i of fit.frontierIssues) out.push(`- ${i.group} / ${i.quantity}: ${i.message}`);
  }
  out.push('', '## IsoFLOP budgets', '', '| group | budget | sizes | M* | D* | L* | issues |', '|---|---|---|---|---|---|---|');
  for (const [group, budgets] of Object.entries(fit.isoflop)) {
    for (const b of budgets) {
      const m = b.parabolas.flopsPerToken, d = b.parabolas.tokens;
      out.push(`| ${group} | ${fmt(b.budget, 3)} | ${b.points.length} | ${m ? fmt(m.optimum) : '—'} | ${d ? fmt(d.optimum) : '—'} | ${d ? fmt(d.lossAtOptimum) : '—'} | ${b.issues.join('; ') || 'ok'} |`);
    }
  }
  const hp = [...fit.hyperparameters.batchSize.map((l) => ['B*(D)', l] as const), ...fit.hyperparameters.learningRate.map((l) => ['η*(B)', l] as const)];
  if (hp.length) {
    out.push('', '## Hyperparameter laws (OLS on logs, 99% intervals)', '', '| law | group | slope | ln-intercept | R² | vertices |', '|---|---|---|---|---|---|');
    for (const [name, l] of hp) {
      out.push(l.fit
        ? `| ${name} | ${l.group} | ${fmt(l.fit.slope)} ± ${fmt(l.fit.slopeHalfWidth, 2)} | ${fmt(l.fit.intercept)} | ${fmt(l.fit.rSquared)} | ${l.vertices.length} |`
        : `| ${name} | ${l.group} | — | — | — | ${l.vertices.length} (${l.skipped.at(-1) ?? 'not fitted'}) |`);
    }
  }
  if (fit.parametric) {
    out.push('', '## Parametric fit L(N, D) = E + A/N^α + B/D^β', '', '| group | method | A | B | E | α | β | a = β/(α+β) |', '|---|---|---|---|---|---|---|---|');
    for (const [group, p] of Object.entries(fit.parametric)) {
      out.push('error' in p ? `| ${group} | ${p.method} | ${p.error} | | | | | |` : `| ${group} | ${p.method} | ${fmt(p.A, 6)} | ${fmt(p.B, 6)} | ${fmt(p.E, 6)} | ${fmt(p.alpha, 6)} | ${fmt(p.beta, 6)} | ${fmt(p.allocation.a)} |`);
    }
  }
  if (fit.runIssues.length) {
    out.push('', '## Dropped runs', '');
    for (const i of fit.runIssues) out.push(`- ${i.id}: ${i.message}`);
  }
  return out.join('\n') + '\n';
}

/** JSON text of a StudyFit (non-finite numbers become null). */
export function studyJson(fit: StudyFit): string {
  return JSON.stringify(fit, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2);
}
