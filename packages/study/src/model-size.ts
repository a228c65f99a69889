// Model sizes of a study and their FLOPs per token (SPEC §3: Method 1, M = 6P + 12·L·d·N), counted by @difflm/models.
import { flopsPerToken as modelFlopsPerToken, paperParamCount } from '@difflm/models';
// A size is named like the paper's Table 4 labels: `L8-D512`, optionally `-H8` for the head count.

export interface ModelSize {
  /** Label, e.g. `L8-D512-H8`. */
  readonly name: string;
  readonly layers: number;
  readonly width: number;
  readonly heads: number;
}

const NAME = /^L(\d+)-D(\d+)(?:-H(\d+))?$/i;

/** Default head count: head dimension 64 (SPEC §3), at least one head. */
function defaultHeads(width: number): number {
  return Math.max(1, Math.floor(width / 64));
}

/** Build a size from explicit numbers, checking that the heads divide the width. */
export function modelSize(layers: number, width: number, heads = defaultHeads(width)): ModelSize {
  if (!Number.isInteger(layers) || layers < 1) throw new Error(`model layers must be a positive integer, got ${layers}`);
  if (!Number.isInteger(width) || width < 1) throw new Error(`model width must be a positive integer, got ${width}`);
  if (!Number.isInteger(heads) || heads < 1 || width % heads !== 0) {
    throw new Error(`model heads must be a positive integer dividing the width ${width}, got ${heads}`);
  }
  return { name: `L${layers}-D${width}-H${heads}`, layers, width, heads };
}

/** Parse `L8-D512` or `L8-D512-H8`. */
export function parseModelSize(name: string): ModelSize {
  const m = NAME.exec(name.trim());
  if (!m) throw new Error(`model size "${name}" is not of the form L<layers>-D<width>[-H<heads>] (e.g. "L8-D512")`);
  const layers = Number(m[1]);
  const width = Number(m[2]);
  return modelSize(layers, width, m[3] === undefined ? defaultHeads(width) : Number(m[3]));
}

/** The paper's non-embedding parameter count P = L(12d² + 14d) + d (SPEC §3), as @difflm/models counts it. */
export function paperParams(size: Pick<ModelSize, 'layers' | 'width'>): number {
  return paperParamCount({ nLayers: size.layers, dModel: size.width });
}

/** Training FLOPs per token, Method 1 (SPEC §3): M = 6P + 12·L·d·N, non-embedding — @difflm/models' count. */
export function flopsPerToken(size: Pick<ModelSize, 'layers' | 'width'>, seqLen: number): number {
  return modelFlopsPerToken({ nLayers: size.layers, dModel: size.width, seqLen });
}
