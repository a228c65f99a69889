// Loads the compiled Node-API addon (build/Release/difflm_native.node, built by the install script).
// Loading never throws: a missing or broken build is reported as a reason string instead.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** OpenBLAS build facts reported by the addon. */
export interface OpenBlasInfo {
  /** The sgemm kernel (core type) OpenBLAS selected at load time, e.g. "Haswell", "SkylakeX". */
  corename: string;
  /** OpenBLAS's build configuration string. */
  config: string;
  /** Threads OpenBLAS uses for one sgemm. */
  threads: number;
  /** How OpenBLAS was built to run in parallel. */
  parallel: 'sequential' | 'pthreads' | 'openmp';
  /** Threads the addon's elementwise kernels use (the JS thread included). */
  elementwiseThreads: number;
}

/** The addon's raw entry points; all arrays are borrowed, outputs are written in place. */
export interface NativeAddon {
  info(): OpenBlasInfo;
  /** Threads for OpenBLAS and for the elementwise kernels alike. */
  setThreads(n: number): void;
  /** Threads for the elementwise kernels only (the JS thread included). */
  setElementwiseThreads(n: number): void;
  gemm(a: Float32Array, b: Float32Array, c: Float32Array, batch: number, m: number, n: number, k: number, transA: boolean, transB: boolean, aIdx: Int32Array | null, bIdx: Int32Array | null): void;
  binary(op: number, a: Float32Array, aShape: Int32Array, b: Float32Array, bShape: Int32Array, out: Float32Array, outShape: Int32Array): void;
  compare(op: number, a: Float32Array, aShape: Int32Array, b: Float32Array, bShape: Int32Array, out: Uint8Array, outShape: Int32Array): void;
  select(cond: Uint8Array, t: Float32Array, e: Float32Array, out: Float32Array, n: number): void;
  clip(x: Float32Array, out: Float32Array, n: number, lo: number, hi: number): void;
  unary(op: number, x: Float32Array, out: Float32Array, n: number, alpha: number): void;
  reduceInner(op: number, x: Float32Array, out: Float32Array, outer: number, inner: number): void;
  reduceOuter(op: number, x: Float32Array, out: Float32Array, outer: number, inner: number): void;
  transpose(x: Float32Array, shape: Int32Array, perm: Int32Array, out: Float32Array): void;
  softmax(x: Float32Array, out: Float32Array, rows: number, cols: number): void;
  /** Fused attention of the paper's block (layouts in native/blocks.cc); writes out, probs and gate. */
  attentionForward(qkv: Float32Array, sinkK: Float32Array, sinkV: Float32Array, bias: Float32Array | null, biasBatch: number, out: Float32Array, probs: Float32Array, gate: Float32Array, batch: number, seqLen: number, heads: number, headDim: number, scale: number, softCap: number): void;
  attentionBackward(qkv: Float32Array, sinkK: Float32Array, sinkV: Float32Array, probs: Float32Array, gate: Float32Array, dOut: Float32Array, dqkv: Float32Array, dSinkK: Float32Array, dSinkV: Float32Array, batch: number, seqLen: number, heads: number, headDim: number): void;
  /** QK-norm + RoPE on the fused projection [rows, 3d] (layouts in native/blocks.cc). */
  qkNormRopeForward(qkv: Float32Array, w: Float32Array, cos: Float32Array, sin: Float32Array, y: Float32Array, rstd: Float32Array, rows: number, seqLen: number, heads: number, headDim: number, eps: number): void;
  qkNormRopeBackward(qkv: Float32Array, w: Float32Array, rstd: Float32Array, cos: Float32Array, sin: Float32Array, dy: Float32Array, dqkv: Float32Array, dw: Float32Array, rows: number, seqLen: number, heads: number, headDim: number): void;
  rmsNormForward(x: Float32Array, w: Float32Array, y: Float32Array, rstd: Float32Array, rows: number, d: number, groups: number, eps: number): void;
  rmsNormBackward(x: Float32Array, w: Float32Array, rstd: Float32Array, dy: Float32Array, dx: Float32Array, dw: Float32Array, rows: number, d: number, groups: number): void;
  biasSquaredRelu(x: Float32Array, bias: Float32Array, y: Float32Array, rows: number, cols: number): void;
  biasSquaredReluBackward(x: Float32Array, bias: Float32Array, dy: Float32Array, dx: Float32Array, dbias: Float32Array, rows: number, cols: number): void;
  adamwUpdate(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, paramOut: Float32Array, mOut: Float32Array, vOut: Float32Array, n: number, beta1: number, beta2: number, c1: number, c2: number, epsilon: number, lr: number, weightDecay: number): void;
  lapropUpdate(param: Float32Array, grad: Float32Array, m: Float32Array, nu: Float32Array, paramOut: Float32Array, mOut: Float32Array, nuOut: Float32Array, n: number, beta1: number, beta2: number, epsilon: number, lr: number, weightDecay: number): void;
  /** The GIDD loss per token (DifflmGiddKlIs, layouts in native/loss.cc): writes kl and is, each [T]. */
  giddKlIsForward(logits: Float32Array, x0: Int32Array, zt: Int32Array, alpha: Float32Array, coef: Float32Array, bases: Float32Array, qz: Float32Array, kl: Float32Array, is: Float32Array, tokens: number, vocab: number, numBases: number, maskId: number, isEpsilon: number): void;
  giddKlIsBackward(logits: Float32Array, x0: Int32Array, zt: Int32Array, alpha: Float32Array, coef: Float32Array, bases: Float32Array, qz: Float32Array, dyKl: Float32Array, dyIs: Float32Array, dLogits: Float32Array, tokens: number, vocab: number, numBases: number, maskId: number, isEpsilon: number): void;
  /** dTable [V, d] = rows of dy [M, d] added at their ids (each checked in [0, V) by the caller), in row order. */
  embeddingBackward(ids: Int32Array, dy: Float32Array, dTable: Float32Array, rows: number, d: number, vocab: number): void;
  /** Σ x[i]² over the first n elements, accumulated in double in index order. */
  sumSquares(x: Float32Array, n: number): number;
  stridedCopy(src: Float32Array, srcBase: number, srcStrides: Int32Array, dst: Float32Array, dstBase: number, dstStrides: Int32Array, dims: Int32Array): void;
}

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The addon built from source at install time (tuned for this CPU), when there is one. */
const builtPath = join(packageRoot, 'build', 'Release', 'difflm_native.node');
/** The addon the published tarball carries (ADR 0007): glibc Linux, x86-64 with AVX2 and FMA, OpenBLAS linked in. */
const prebuiltPath = join(packageRoot, 'prebuilds', `${process.platform}-${process.arch}`, 'difflm_native.node');

/** Whether this machine can run the prebuilt addon (its code uses AVX2/FMA: loading it elsewhere would crash later). */
function prebuiltRunsHere(): boolean {
  if (process.platform !== 'linux' || process.arch !== 'x64') return false;
  const report = process.report?.getReport?.() as { header?: { glibcVersionRuntime?: string } } | undefined;
  if (!report?.header?.glibcVersionRuntime) return false;
  try {
    const flags = readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1]?.split(/\s+/) ?? [];
    return flags.includes('avx2') && flags.includes('fma');
  } catch {
    return false;
  }
}

let cached: { addon: NativeAddon | null; reason: string; origin: 'source' | 'prebuilt' | null } | undefined;

/** The addon (built from source when present, else the prebuilt one), or null with the reason it is unavailable. Loaded once. */
export function loadAddon(): { addon: NativeAddon | null; reason: string; origin: 'source' | 'prebuilt' | null } {
  if (cached) return cached;
  const origin = existsSync(builtPath) ? 'source' : existsSync(prebuiltPath) && prebuiltRunsHere() ? 'prebuilt' : null;
  const addonPath = origin === 'source' ? builtPath : prebuiltPath;
  if (origin === null) {
    const notePath = join(packageRoot, 'build', 'INSTALL_NOTE');
    const note = existsSync(notePath) ? readFileSync(notePath, 'utf8').trim() : 'native addon not built (its install script has not run)';
    cached = { addon: null, reason: note, origin: null };
    return cached;
  }
  try {
    const require = createRequire(import.meta.url);
    cached = { addon: require(addonPath) as NativeAddon, reason: 'loaded', origin };
  } catch (error) {
    cached = { addon: null, reason: `native addon (${origin === 'source' ? 'built from source' : 'prebuilt'}) failed to load: ${(error as Error).message.split('\n')[0]}`, origin: null };
  }
  return cached;
}
