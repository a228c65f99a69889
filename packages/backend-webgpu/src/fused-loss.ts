// The GIDD loss's fused kernel pair of @difflm/noise (DifflmGiddKlIs and DifflmGiddKlIsGrad; the contract is in the
// noise package's loss/fused-loss.ts) in WGSL: one workgroup per token reads its V logits a few times and keeps only
// reductions, where the composite graph runs ~40 element-wise kernels on [B, N, V] tensors (at the paper's 2^17
// vocabulary those tensors, not the model, would fill a GPU). The arithmetic follows the native backend's
// native/loss.cc step for step, in float32. Token ids outside [0, V) cannot be checked without a synchronous read;
// WebGPU's robust buffer access keeps every read inside its buffer, and the noise package draws the ids itself.
import { type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { flat, flatView, floats, ints, reduceSnippet, ROW, rowwise, withShape, type Program, type WebGpuBackendLike } from './webgpu-program.js';

const UNIFORMS = 'nT : i32, nV : i32, nK : i32, maskId : i32, eps : f32,';

/** WGSL shared by both programs: the row's softmax statistics, x̂_v, σ(−λ)·π_λ(v) and g(r) = r − log(1 + r). */
const lossPrelude = `
      const TINY = 1.1754943508222875e-38;
      fn maskedLogit(t : i32, v : i32) -> f32 {
        return logits[t * uniforms.nV + v] + select(0.0, -1e6, v == uniforms.maskId);
      }
      fn bp(t : i32, v : i32) -> f32 {
        var s = 0.0;
        for (var k = 0; k < uniforms.nK; k++) { s += coef[t * uniforms.nK + k] * bases[k * uniforms.nV + v]; }
        return s;
      }
      fn gTerm(r : f32, logOnePlusR : f32) -> f32 {
        let rs = clamp(r, -0.01, 0.01);
        let series = rs * rs * (0.5 + rs * (-1.0 / 3.0 + rs * (0.25 + rs * -0.2)));
        return select(r - logOnePlusR, series, abs(r) <= 0.01);
      }`;

/** WGSL: the token t of this row program's workgroup, its softmax max and 1/Σexp (every invocation ends with both). */
const rowStats = `
        let t = row;
        let V = uniforms.nV;
        var m = -3.402823e+38;
        for (var v = tid; v < V; v += ${ROW}) { m = max(m, maskedLogit(t, v)); }
        red[tid] = m;
        workgroupBarrier();${reduceSnippet('max')}
        let rowMax = red[0];
        workgroupBarrier();
        var s = 0.0;
        for (var v = tid; v < V; v += ${ROW}) { s += exp(maskedLogit(t, v) - rowMax); }
        red[tid] = s;
        workgroupBarrier();${reduceSnippet('+')}
        let inv = 1.0 / red[0];
        workgroupBarrier();
        let a = alphaOf(t); let x = x0[t]; let z = zt[t];
        let xz = exp(maskedLogit(t, z) - rowMax) * inv;
        let pz = a * xz + bp(t, z);`;

const VARIABLES = ['logits', 'x0', 'zt', 'alpha', 'coef', 'bases', 'qz'];

/**
 * klIs [2, T]: row 0 KL(q_λ(x) ‖ q_λ(x̂)), row 1 D_IS. A row program over T tokens, so its output is declared [T, 2];
 * it writes the [2, T] layout (result[t], result[T + t]), which the kernel returns under that shape.
 */
function klIsProgram(T: number): Program {
  return rowwise('gidd_klis', T, 2, VARIABLES, UNIFORMS, `${rowStats}
        var kl = 0.0;
        for (var v = tid; v < V; v += ${ROW}) {
          let xh = exp(maskedLogit(t, v) - rowMax) * inv;
          let b = bp(t, v);
          let ex = select(0.0, a, v == x);
          let q = b + ex;
          let ax = a * xh;
          let p = ax + b;
          let onSupport = q * gTerm((ax - ex) / (q + TINY), log(p + TINY) - log(q + TINY));
          kl += select(p, onSupport, q > 0.0);
        }
        red[tid] = kl;
        workgroupBarrier();${reduceSnippet('+')}
        if (valid && tid == 0) {
          let exz = select(0.0, a, z == x);
          let dz = a * xz - exz;
          let pzEps = pz + uniforms.eps;
          let ratioMinus1 = (-dz - uniforms.eps) / pzEps;
          let q = qz[t];
          result[t] = red[0];
          result[uniforms.nT + t] = gTerm(ratioMinus1, log(q + TINY) - log(pzEps + TINY)) - (log(pzEps + TINY) - log(pz + TINY));
        }`, `${lossPrelude}
      fn alphaOf(t : i32) -> f32 { return alpha[t]; }`);
}

/**
 * The per-token inputs of the gradient packed into one array [α; q_z; dyKl; dyIs] ([4, T]): a shader may bind only 8
 * storage buffers by default, and the gradient would otherwise read 8 inputs besides its output.
 */
function packProgram(T: number): Program {
  return flat('gidd_klis_pack', [4 * T], ['alpha', 'qz', 'dy'], 'nT : i32,', `
          let T = uniforms.nT;
          if (index < T) { result[index] = alpha[index]; }
          else if (index < 2 * T) { result[index] = qz[index - T]; }
          else { result[index] = dy[index - 2 * T]; }`);
}

/** dLogits [T, V] = x̂·(G − Σ x̂·G), G_v = −dyKl·α·q_v/p_v + [v = z]·dyIs·α·(1/p_z − q_z/(p_z + ε)²). */
function klIsGradProgram(T: number, V: number): Program {
  return rowwise('gidd_klis_grad', T, V, ['logits', 'x0', 'zt', 'coef', 'bases', 'tok'], UNIFORMS, `${rowStats}
        let T = uniforms.nT;
        let root = pz + uniforms.eps + TINY;
        let isSlope = a * (1.0 / (pz + TINY) - tok[T + t] / (root * root));
        let gKl = -(a * tok[2 * T + t]);
        let gz = tok[3 * T + t] * isSlope;
        var acc = 0.0;
        for (var v = tid; v < V; v += ${ROW}) {
          let xh = exp(maskedLogit(t, v) - rowMax) * inv;
          let b = bp(t, v);
          let q = b + select(0.0, a, v == x);
          let p = a * xh + b;
          let gx = xh * (gKl * (q / (p + TINY)) + select(0.0, gz, v == z));
          if (valid) { result[t * V + v] = gx; }
          acc += gx;
        }
        red[tid] = acc;
        workgroupBarrier();${reduceSnippet('+')}
        let total = red[0];
        for (var v = tid; v < V; v += ${ROW}) {
          if (valid) { result[t * V + v] = result[t * V + v] - exp(maskedLogit(t, v) - rowMax) * inv * total; }
        }`, `${lossPrelude}
      fn alphaOf(t : i32) -> f32 { return tok[t]; }`);
}

interface LossShape { T: number; V: number; K: number; maskId: number; isEpsilon: number }

function lossShape(kernel: string, inputs: Record<string, TensorInfo | undefined>, attrs: Record<string, unknown>): LossShape {
  const { logits, x0, zt, alpha, coef, bases, qz } = inputs;
  if (!logits || logits.shape.length !== 2) throw new Error(`${kernel}: logits must be [T, V], got [${logits?.shape.join(', ')}]`);
  const [T, V] = logits.shape as [number, number];
  if (!bases || bases.shape.length !== 2 || bases.shape[1] !== V) throw new Error(`${kernel}: bases must be [K, ${V}], got [${bases?.shape.join(', ')}]`);
  const K = bases.shape[0]!;
  const size = (t: TensorInfo | undefined): number => (t ? t.shape.reduce((p, q) => p * q, 1) : -1);
  for (const [name, t, n] of [['x0', x0, T], ['zt', zt, T], ['alpha', alpha, T], ['qz', qz, T], ['coef', coef, T * K]] as const) {
    if (size(t) !== n) throw new Error(`${kernel}: input '${name}' must have ${n} elements, got shape [${t?.shape.join(', ')}]`);
  }
  for (const [name, t] of [['x0', x0], ['zt', zt]] as const) if (t!.dtype !== 'int32') throw new Error(`${kernel}: input '${name}' must be int32, got ${t!.dtype}`);
  const maskId = Number(attrs.maskId ?? -1);
  if (!Number.isInteger(maskId) || maskId < -1 || maskId >= V) throw new Error(`${kernel}: attr maskId must be −1 or a token id in [0, ${V}), got ${attrs.maskId}`);
  const isEpsilon = Number(attrs.isEpsilon);
  if (!Number.isFinite(isEpsilon) || isEpsilon < 0) throw new Error(`${kernel}: attr isEpsilon must be a finite number ≥ 0, got ${attrs.isEpsilon}`);
  return { T, V, K, maskId, isEpsilon };
}

const views = (inputs: Record<string, TensorInfo | undefined>): TensorInfo[] => VARIABLES.map((n) => flatView(inputs[n]!));

const giddKlIs: KernelFunc = ({ inputs, backend, attrs }) => {
  const gpu = backend as unknown as WebGpuBackendLike;
  const ins = inputs as Record<string, TensorInfo | undefined>;
  const { T, V, K, maskId, isEpsilon } = lossShape('DifflmGiddKlIs', ins, attrs as Record<string, unknown>);
  return withShape(gpu.runWebGPUProgram(klIsProgram(T), views(ins), 'float32', [...ints(T, V, K, maskId), ...floats(isEpsilon)]), [2, T]);
};

const giddKlIsGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const gpu = backend as unknown as WebGpuBackendLike;
  const ins = inputs as Record<string, TensorInfo | undefined>;
  const { T, V, K, maskId, isEpsilon } = lossShape('DifflmGiddKlIsGrad', ins, attrs as Record<string, unknown>);
  const dy = ins.dy;
  if (!dy || dy.shape.reduce((p, q) => p * q, 1) !== 2 * T) throw new Error(`DifflmGiddKlIsGrad: input 'dy' must have ${2 * T} elements, got shape [${dy?.shape.join(', ')}]`);
  const tok = gpu.runWebGPUProgram(packProgram(T), [flatView(ins.alpha!), flatView(ins.qz!), flatView(dy)], 'float32', ints(T));
  const [logits, x0, zt, coef, bases] = (['logits', 'x0', 'zt', 'coef', 'bases'] as const).map((n) => flatView(ins[n]!));
  const out = gpu.runWebGPUProgram(klIsGradProgram(T, V), [logits!, x0!, zt!, coef!, bases!, flatView(tok)], 'float32', [...ints(T, V, K, maskId), ...floats(isEpsilon)]);
  gpu.disposeData(tok.dataId);
  return out;
};

/** The WebGPU kernels of the GIDD loss's fused contract. */
export const webgpuLossKernels: readonly KernelConfig[] = [
  { kernelName: 'DifflmGiddKlIs', backendName: 'webgpu', kernelFunc: giddKlIs },
  { kernelName: 'DifflmGiddKlIsGrad', backendName: 'webgpu', kernelFunc: giddKlIsGrad },
];
