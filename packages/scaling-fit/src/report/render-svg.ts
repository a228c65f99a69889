// Rendering: Vega-Lite → Vega → SVG (headless View, renderer 'none'), and SVG → PNG with resvg.
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { VegaLiteSpec } from './plot-specs.js';

/** Render a Vega-Lite spec to an SVG string. */
export async function specToSvg(spec: VegaLiteSpec): Promise<string> {
  // Silent loggers: library code never prints (vega-lite otherwise warns on the console).
  const logger = vega.logger(vega.None);
  const compiled = compile(spec as unknown as Parameters<typeof compile>[0], { logger }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterise an SVG string to PNG bytes at `scale` (default 2). */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  const png = new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, background: 'white', font: { loadSystemFonts: true } }).render().asPng();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
