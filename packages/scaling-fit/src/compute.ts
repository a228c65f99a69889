// FLOPs per token and training compute (SPEC §3 "Parameter and FLOP formulas"; SPEC §5.4).
// Method 1 (DeepSeek): M = 6P + 12·L·d·N. Method 2 (Chinchilla): M = 6P. Training compute C = M·D.

export interface Method1Shape {
  /** Non-embedding parameters P. */
  params: number;
  layers: number;
  dModel: number;
  /** Context length N in tokens. */
  seqLen: number;
}

function positive(name: string, v: number): void {
  if (!(Number.isFinite(v) && v > 0)) throw new Error(`${name} must be a finite positive number, got ${v}`);
}

/** Method 1 FLOPs per token, M = 6P + 12·L·d·N (includes attention). */
export function flopsPerTokenMethod1(shape: Method1Shape): number {
  for (const [k, v] of Object.entries(shape)) positive(k, v);
  return 6 * shape.params + 12 * shape.layers * shape.dModel * shape.seqLen;
}

/** Method 2 FLOPs per token, M = 6P. */
export function flopsPerTokenMethod2(params: number): number {
  positive('params', params);
  return 6 * params;
}

/** Training compute C = M·D. */
export function trainingCompute(flopsPerToken: number, tokens: number): number {
  positive('flopsPerToken', flopsPerToken);
  positive('tokens', tokens);
  return flopsPerToken * tokens;
}
