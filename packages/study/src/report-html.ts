// `report.html`: the study report as one self-contained page (opens from file://, no network): the IsoFLOP curves of
// each noise type with the loss curve of the run under the pointer, the compute-optimal frontiers and the exponent
// table, with the numbers of report.json. Vega, Vega-Lite and vega-embed are inlined from their packages' UMD builds;
// every user string is escaped (HTML text, and JSON inside <script> with `<` written as \u003c).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { frontierPlotData, parabolaCurve, type FrontierQuantity, type IsoflopBudget, type StudyFit } from '@difflm/scaling-fit';

/** What the page shows, taken from report.json's data. */
export interface ReportHtmlData {
  readonly study: string;
  readonly description?: string;
  readonly lossMeasure: string;
  readonly runs: readonly { id: string; noise: string; model: string; batchSequences: number; seqLen: number; lr: number; curve?: readonly { tokens: number; loss: number }[] }[];
  /** The grid points with the runs each averages (replicates): a hovered point shows all their curves. */
  readonly points: readonly { runs: readonly string[] }[];
  readonly fit: StudyFit | null;
  readonly fitError: string | null;
}

const require = createRequire(import.meta.url);

/** A package's UMD build beside its resolved entry point (vega, vega-lite and vega-embed keep them in build/). */
function umd(pkg: string, file: string): string {
  return readFileSync(join(dirname(require.resolve(pkg)), file), 'utf8');
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON safe inside a <script> element: no `<` (so no `</script>` or `<!--`), no line separators. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))
    .replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const log = { type: 'log', nice: false, padding: 10 } as const;
const QUANTITY_TITLE: Record<FrontierQuantity, string> = { flopsPerToken: 'FLOPs per token M*', params: 'parameters P*', tokens: 'tokens D*', loss: 'loss L*' };
const MAX_CURVE_POINTS = 200;

/** Every ⌈n/200⌉-th point of a loss curve, and the last. */
function thin<T>(points: readonly T[]): T[] {
  const every = Math.max(1, Math.ceil(points.length / MAX_CURVE_POINTS));
  return points.filter((_, i) => i % every === 0 || i === points.length - 1);
}

/** IsoFLOP parabolas and points of one noise type, and beside them the loss curve of the run under the pointer. */
function isoflopSpec(group: string, budgets: readonly IsoflopBudget[], data: ReportHtmlData): Record<string, unknown> {
  const runs = data.runs;
  const byId = new Map(runs.map((r) => [r.id, r]));
  // A point read off a run at a budget is "<run id>@<budget>"; a replicated point is named by its first run.
  const firstOf = new Map<string, string>();
  for (const p of data.points) for (const id of p.runs) if (!firstOf.has(id)) firstOf.set(id, p.runs[0]!);
  const points = budgets.flatMap((b) => b.points.map((p) => {
    const run = p.runId.split('@')[0]!;
    const info = byId.get(run);
    const err = Math.max(p.lossStandardError ?? 0, p.lossSpread ?? 0);
    return {
      run, point: p.runId, noise: info?.noise ?? group, model: info?.model ?? '', params: p.params ?? null, x: p.flopsPerToken, budget: b.budget, tokens: p.tokens,
      batch: info ? `${info.batchSequences} × ${info.seqLen}` : String(p.batchSize ?? ''), lr: p.learningRate ?? info?.lr ?? null,
      loss: p.loss, error: err, lo: p.loss - err, hi: p.loss + err, replicates: p.replicates ?? 1,
    };
  }));
  const curves = budgets.flatMap((b) => parabolaCurve(b));
  const shown = new Set(points.map((p) => p.run));
  const lossCurves = runs.filter((r) => shown.has(firstOf.get(r.id) ?? r.id)).flatMap((r) => thin(r.curve ?? []).map((c) => ({ run: firstOf.get(r.id) ?? r.id, curve: r.id, tokens: c.tokens, loss: c.loss })));
  const x = { field: 'x', type: 'quantitative', scale: log, axis: { format: '.1e' }, title: 'FLOPs per token M' };
  const y = { field: 'loss', type: 'quantitative', scale: log, axis: { format: '.3~g' }, title: 'loss (nats/token)' };
  const color = { field: 'budget', type: 'ordinal', title: 'budget (FLOPs)', legend: { format: '.1e' } };
  const tooltip = [
    { field: 'point', title: 'run' }, { field: 'noise' }, { field: 'model', title: 'size' }, { field: 'params', title: 'parameters', format: ',' },
    { field: 'budget', title: 'budget (FLOPs)', format: '.3e' }, { field: 'batch', title: 'batch (sequences × tokens)' }, { field: 'lr', title: 'learning rate', format: '.3g' },
    { field: 'loss', format: '.4f' }, { field: 'error', title: '± (larger of SE and replicate spread)', format: '.4f' }, { field: 'replicates' },
  ];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    hconcat: [
      {
        title: `IsoFLOP curves — ${group}`, width: 460, height: 300,
        layer: [
          { data: { values: curves }, mark: { type: 'line', clip: true }, encoding: { x, y, color } },
          { data: { values: points }, mark: { type: 'rule' }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color } },
          {
            data: { values: points }, name: 'points',
            params: [{ name: 'hover', select: { type: 'point', on: 'pointerover', fields: ['run'], nearest: true } }, { name: 'zoom', select: 'interval', bind: 'scales' }],
            mark: { type: 'point', filled: true, cursor: 'pointer' },
            encoding: { x, y, color, tooltip, size: { condition: { param: 'hover', empty: false, value: 180 }, value: 60 } },
          },
        ],
      },
      {
        title: 'Loss curve of the run under the pointer', width: 340, height: 300,
        data: { values: lossCurves }, transform: [{ filter: { param: 'hover', empty: false } }],
        mark: { type: 'line', color: '#555' },
        encoding: {
          x: { field: 'tokens', type: 'quantitative', scale: log, axis: { format: '.1e' }, title: 'tokens' },
          y: { field: 'loss', type: 'quantitative', scale: log, axis: { format: '.3~g' }, title: 'training loss (nats/token)' },
          detail: { field: 'curve' },
          tooltip: [{ field: 'curve', title: 'run' }, { field: 'tokens', format: '.3e' }, { field: 'loss', format: '.4f' }],
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  };
}

/** One quantity's frontier for every noise type shown (the `shown` signal, set by the page's toggles). */
function frontierSpec(quantity: FrontierQuantity, fit: StudyFit, groups: readonly string[]): Record<string, unknown> | null {
  const fits = fit.frontiers.filter((f) => f.quantity === quantity);
  if (fits.length === 0) return null;
  const { points, lines, bands } = frontierPlotData(fits);
  const x = { field: 'compute', type: 'quantitative', scale: log, axis: { format: '.1e' }, title: 'compute C (FLOPs)' };
  const yAxis = quantity === 'loss' ? { format: '.3~g' } : { format: '.1e' };
  const color = { field: 'group', type: 'nominal', title: 'noise', scale: { domain: [...groups] } };
  const shown = [{ filter: 'indexof(shown, datum.group) >= 0' }];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title: `Compute-optimal ${QUANTITY_TITLE[quantity]}`, width: 420, height: 280,
    params: [{ name: 'shown', value: [...groups] }],
    layer: [
      { data: { values: bands }, transform: shown, mark: { type: 'area', opacity: 0.2 }, encoding: { x, y: { field: 'lower', type: 'quantitative', scale: log, axis: yAxis, title: QUANTITY_TITLE[quantity] }, y2: { field: 'upper' }, color } },
      { data: { values: lines }, transform: shown, mark: 'line', encoding: { x, y: { field: 'value', type: 'quantitative', scale: log }, color } },
      { data: { values: points }, transform: shown, params: [{ name: 'zoom', select: 'interval', bind: 'scales' }], mark: { type: 'point', filled: true, size: 70 }, encoding: { x, y: { field: 'value', type: 'quantitative', scale: log }, color, tooltip: [{ field: 'group', title: 'noise' }, { field: 'compute', title: 'budget (FLOPs)', format: '.3e' }, { field: 'value', title: QUANTITY_TITLE[quantity], format: '.4g' }] } },
    ],
  };
}

const EXPONENTS = [['alphaM', 'α_M (M* ∝ C^α)'], ['alphaP', 'α_P'], ['alphaD', 'α_D'], ['alphaL', 'α_L (L* ∝ C^α)']] as const;

function exponentTable(fit: StudyFit): string {
  const cell = (iv: { estimate: number; lower: number; upper: number } | undefined, key: string, group: string): string =>
    iv
      ? `<td data-group="${escapeHtml(group)}" data-exponent="${key}" data-estimate="${iv.estimate}" data-lower="${iv.lower}" data-upper="${iv.upper}">${iv.estimate.toFixed(3)} <span class="ci">[${iv.lower.toFixed(3)}, ${iv.upper.toFixed(3)}]</span></td>`
      : '<td>—</td>';
  const rows = fit.exponentTable.map((r) => `<tr data-noise="${escapeHtml(r.group)}"><th>${escapeHtml(r.group)}</th>${EXPONENTS.map(([k]) => cell(r[k], k, r.group)).join('')}</tr>`);
  return `<table id="exponents"><thead><tr><th>noise</th>${EXPONENTS.map(([, t]) => `<th>${escapeHtml(t)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The page; scripts default to the inlined UMD builds of vega, vega-lite and vega-embed. */
export function reportHtml(data: ReportHtmlData): string {
  const groups = data.fit ? Object.keys(data.fit.isoflop) : [];
  const views: { id: string; kind: 'isoflop' | 'frontier'; group?: string; spec: Record<string, unknown> }[] = [];
  if (data.fit) {
    groups.forEach((g, i) => views.push({ id: `isoflop-${i}`, kind: 'isoflop', group: g, spec: isoflopSpec(g, data.fit!.isoflop[g]!, data) }));
    (['flopsPerToken', 'params', 'tokens', 'loss'] as const).forEach((q) => { const spec = frontierSpec(q, data.fit!, groups); if (spec) views.push({ id: `frontier-${q}`, kind: 'frontier', spec }); });
  }
  const scripts = [umd('vega', 'vega.min.js'), umd('vega-lite', 'vega-lite.min.js'), umd('vega-embed', 'vega-embed.min.js')]
    .map((js) => `<script>${js.replace(/<\/script/gi, '<\\/script')}</script>`).join('\n');
  const toggles = groups.map((g, i) => `<label><input type="checkbox" class="noise-toggle" data-index="${i}" checked> ${escapeHtml(g)}</label>`).join(' ');
  const sections = views.map((v) => `<div class="view ${v.kind}" id="${v.id}"${v.kind === 'isoflop' ? ` data-noise-index="${groups.indexOf(v.group!)}"` : ''}></div>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Study ${escapeHtml(data.study)} — difflm report</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
.view { margin: 1em 0; } .frontiers { display: flex; flex-wrap: wrap; gap: 1em; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; } th:first-child { text-align: left; }
.ci { color: #666; font-size: 0.9em; } #toggles { position: sticky; top: 0; background: #fff; padding: 0.4em 0; border-bottom: 1px solid #eee; }
</style>
${scripts}
</head><body>
<h1>Study ${escapeHtml(data.study)}</h1>
<p class="description">${escapeHtml(data.description ?? '')}</p>
<p>Losses: ${escapeHtml(data.lossMeasure)}; every number is the one in report.json. Hover a point for its run and loss curve; zoom with the wheel, pan by dragging (double-click resets).</p>
${data.fit ? `<div id="toggles">Noise types: ${toggles}</div>` : `<p>The scaling fit failed: ${escapeHtml(data.fitError ?? 'no fit')}</p>`}
<h2>IsoFLOP curves</h2>
${sections.filter((s) => s.includes('isoflop')).join('\n')}
<h2>Compute-optimal frontiers</h2>
<div class="frontiers">${sections.filter((s) => s.includes('frontier')).join('\n')}</div>
<h2>Exponents</h2>
${data.fit ? exponentTable(data.fit) : '<p>—</p>'}
<script type="application/json" id="views">${scriptJson(views)}</script>
<script type="application/json" id="groups">${scriptJson(groups)}</script>
<script>
(async () => {
  const views = JSON.parse(document.getElementById('views').textContent);
  const groups = JSON.parse(document.getElementById('groups').textContent);
  const embedded = {};
  for (const v of views) {
    const result = await vegaEmbed('#' + v.id, v.spec, { renderer: 'svg', actions: false, logLevel: vega.Error });
    embedded[v.id] = result.view;
  }
  const apply = async () => {
    const on = [...document.querySelectorAll('.noise-toggle')].filter((c) => c.checked).map((c) => groups[Number(c.dataset.index)]);
    for (const el of document.querySelectorAll('.view.isoflop')) el.style.display = on.includes(groups[Number(el.dataset.noiseIndex)]) ? '' : 'none';
    for (const row of document.querySelectorAll('#exponents tbody tr')) row.style.display = on.includes(row.dataset.noise) ? '' : 'none';
    for (const v of views) if (v.kind === 'frontier') await embedded[v.id].signal('shown', on).runAsync();
  };
  for (const c of document.querySelectorAll('.noise-toggle')) c.addEventListener('change', apply);
  document.body.dataset.ready = 'true';
})().catch((e) => { document.body.dataset.ready = 'error'; console.error(e); });
</script>
</body></html>
`;
}
