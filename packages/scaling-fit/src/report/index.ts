export { renderReport, reportSpecs, type RenderedReport, type RenderReportOptions } from './render-report.js';
export { isoflopSpec, frontierSpec, hyperparameterSpec, type VegaLiteSpec } from './plot-specs.js';
export { specToSvg, svgToPng } from './render-svg.js';
