// renderReport: the figures (SVG and PNG), the markdown summary and the JSON of a StudyFit.
import type { StudyFit } from '../fit-study.js';
import { SIZE_AXES } from '../isoflop.js';
import { studyJson, studyMarkdown } from '../study-markdown.js';
import { frontierSpec, hyperparameterSpec, isoflopSpec, tokenFrontierSpec, type VegaLiteSpec } from './plot-specs.js';
import { specToSvg, svgToPng } from './render-svg.js';

export interface RenderedReport {
  markdown: string;
  /** File name (e.g. "isoflop-masked.svg") → SVG text. */
  svgs: Record<string, string>;
  /** File name (e.g. "isoflop-masked.png") → PNG bytes. */
  pngs: Record<string, Uint8Array>;
  json: string;
}

export interface RenderReportOptions {
  /** Also rasterise every figure to PNG (default true). */
  png?: boolean;
  /** PNG zoom factor (default 2). */
  pngScale?: number;
}

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'all';

/** The report's figures as Vega-Lite specs, keyed by base file name. */
export function reportSpecs(fit: StudyFit): Record<string, VegaLiteSpec> {
  const specs: Record<string, VegaLiteSpec> = {};
  for (const [group, budgets] of Object.entries(fit.isoflop)) {
    if (!budgets.some((b) => b.points.length > 0)) continue;
    const axis = SIZE_AXES.find((a) => budgets.some((b) => b.parabolas[a])) ?? 'flopsPerToken';
    specs[`isoflop-${slug(group)}`] = isoflopSpec(group, budgets, axis);
  }
  for (const q of ['flopsPerToken', 'params', 'tokens', 'loss'] as const) {
    if (fit.frontiers.some((f) => f.quantity === q)) specs[`frontier-${q}`] = frontierSpec(q, fit.frontiers);
  }
  if (fit.tokenFrontiers?.some((f) => f.points.length > 0)) specs['frontier-tokens-loss'] = tokenFrontierSpec(fit.tokenFrontiers);
  if (fit.hyperparameters.batchSize.some((l) => l.vertices.length)) specs['batch-size-law'] = hyperparameterSpec('batchSize', fit.hyperparameters.batchSize);
  if (fit.hyperparameters.learningRate.some((l) => l.vertices.length)) specs['learning-rate-law'] = hyperparameterSpec('learningRate', fit.hyperparameters.learningRate);
  return specs;
}

/** Render the markdown summary, JSON, and every figure as SVG (and PNG unless disabled). */
export async function renderReport(fit: StudyFit, options: RenderReportOptions = {}): Promise<RenderedReport> {
  const svgs: Record<string, string> = {};
  const pngs: Record<string, Uint8Array> = {};
  const specs = reportSpecs(fit);
  const figures: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const svg = await specToSvg(spec);
    svgs[`${name}.svg`] = svg;
    if (options.png ?? true) pngs[`${name}.png`] = svgToPng(svg, options.pngScale ?? 2);
    figures.push(`![${name}](${name}.svg)`);
  }
  const markdown = studyMarkdown(fit) + (figures.length ? `\n## Figures\n\n${figures.join('\n\n')}\n` : '');
  return { markdown, svgs, pngs, json: studyJson(fit) };
}
