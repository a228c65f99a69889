// The attention block's fused kernels of @difflm/models (DifflmQkNormRope, DifflmAttention and their gradients; the
// contract is in @difflm/models' fused.ts, ADR 0005) in WGSL, for TensorFlow.js's WebGPU backend. The composite graph
// of ordinary tfjs ops is the reference: the agreement tests compare the two on the same backend and against cpu.
//
// A WebGPU program writes one output, so a kernel with several outputs runs one program per output, and
// intermediates (the score gradients, the RMS terms of QK-norm's gradient) are tensors of their own. Two kinds of
// program: flat ones (one invocation per output element) and row ones (one workgroup of ROW per attention row, for
// the softmax and its gradient, which reduce over the row). Every input is bound as a flat array and indexed here.
import { getKernel, registerKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { webgpuLossKernels } from './fused-loss.js';
import { flat, flatView, floats, ints, reduceSnippet, ROW, rowwise, withShape, type Program, type WebGpuBackendLike } from './webgpu-program.js';

function expectShape(kernel: string, name: string, t: TensorInfo, shape: readonly number[]): void {
  if (t.shape.length !== shape.length || t.shape.some((n, i) => n !== shape[i])) {
    throw new Error(`${kernel}: input '${name}' must have shape [${shape.join(', ')}], got [${t.shape.join(', ')}]`);
  }
}

// ---- attention ---------------------------------------------------------------------------------------------------
// qkv [B, N, 3H, dh] (row stride ld = 3·H·dh), sinkK / sinkV [H, dh], probs / gate [B, H, N, N+1] (column 0 the sink),
// bias [Bb, 1, N, N+1], out / dOut [B, N, H, dh].

const ATT_UNIFORMS = 'nB : i32, nN : i32, nH : i32, dh : i32, biasBatch : i32, scale : f32, cap : f32,';

/** WGSL: b, h, i of an attention row, and the raw score of query i against column j (0 = the sink). */
const attentionRowSnippet = `
        let N = uniforms.nN; let H = uniforms.nH; let dh = uniforms.dh; let cols = N + 1; let ld = 3 * H * dh;
        let i = row % N; let h = (row / N) % H; let b = row / (N * H);
        let qBase = (b * N + i) * ld + h * dh;`;
const rawScoreSnippet = `
          var raw = 0.0;
          if (j == 0) {
            for (var e = 0; e < dh; e++) { raw += qkv[qBase + e] * sinkK[h * dh + e]; }
          } else {
            let kBase = (b * N + j - 1) * ld + H * dh + h * dh;
            for (var e = 0; e < dh; e++) { raw += qkv[qBase + e] * qkv[kBase + e]; }
          }
          let t = tanh(clamp(raw * uniforms.scale / uniforms.cap, -15.0, 15.0));`;

/** probs: softmax over each row of cap·tanh(scale·raw/cap) + bias. */
function probsProgram(rows: number, cols: number, withBias: boolean): Program {
  const biasTerm = withBias ? 'v += bias[(select(b, 0, uniforms.biasBatch == 1) * N + i) * cols + j];' : '';
  return rowwise(`attention_probs_${withBias}`, rows, cols, withBias ? ['qkv', 'sinkK', 'bias'] : ['qkv', 'sinkK'], ATT_UNIFORMS, `${attentionRowSnippet}
        let base = row * cols;
        var m = -3.402823e+38;
        for (var j = tid; j < cols; j += ${ROW}) {${rawScoreSnippet}
          var v = uniforms.cap * t;
          ${biasTerm}
          if (valid) { result[base + j] = v; }
          m = max(m, v);
        }
        red[tid] = m;
        workgroupBarrier();${reduceSnippet('max')}
        let rowMax = red[0];
        workgroupBarrier();
        var s = 0.0;
        for (var j = tid; j < cols; j += ${ROW}) {
          if (valid) { let p = exp(result[base + j] - rowMax); result[base + j] = p; s += p; }
        }
        red[tid] = s;
        workgroupBarrier();${reduceSnippet('+')}
        let total = red[0];
        for (var j = tid; j < cols; j += ${ROW}) {
          if (valid) { result[base + j] = result[base + j] / total; }
        }`);
}

/** gate = scale·(1 − tanh²): the soft-capped logit's derivative with respect to the raw score. */
function gateProgram(shape: number[]): Program {
  return flat('attention_gate', shape, ['qkv', 'sinkK'], ATT_UNIFORMS, `
          let row = index / (uniforms.nN + 1);
          let j = index % (uniforms.nN + 1);${attentionRowSnippet}${rawScoreSnippet}
          result[index] = uniforms.scale * (1.0 - t * t);`);
}

/** out[b, i, h, e] = probs[·, 0]·sinkV[h, e] + Σ_j probs[·, 1 + j]·v[b, j, h, e]. */
function outProgram(shape: number[]): Program {
  return flat('attention_out', shape, ['qkv', 'sinkV', 'probs'], ATT_UNIFORMS, `
          let N = uniforms.nN; let H = uniforms.nH; let dh = uniforms.dh; let cols = N + 1; let ld = 3 * H * dh;
          let e = index % dh; let h = (index / dh) % H; let i = (index / (dh * H)) % N; let b = index / (dh * H * N);
          let pBase = ((b * H + h) * N + i) * cols;
          var acc = probs[pBase] * sinkV[h * dh + e];
          for (var j = 0; j < N; j++) { acc += probs[pBase + 1 + j] * qkv[(b * N + j) * ld + 2 * H * dh + h * dh + e]; }
          result[index] = acc;`);
}

/** dS = probs·(dP − Σ_j probs·dP)·gate, the gradient with respect to the raw scores (dP = dOut·[sinkV; v]). */
function scoreGradProgram(rows: number, cols: number): Program {
  return rowwise('attention_dscores', rows, cols, ['qkv', 'sinkV', 'probs', 'gate', 'dOut'], ATT_UNIFORMS, `${attentionRowSnippet}
        let base = row * cols;
        let oBase = ((b * N + i) * H + h) * dh;
        var s = 0.0;
        for (var j = tid; j < cols; j += ${ROW}) {
          var dp = 0.0;
          if (j == 0) {
            for (var e = 0; e < dh; e++) { dp += dOut[oBase + e] * sinkV[h * dh + e]; }
          } else {
            let vBase = (b * N + j - 1) * ld + 2 * H * dh + h * dh;
            for (var e = 0; e < dh; e++) { dp += dOut[oBase + e] * qkv[vBase + e]; }
          }
          if (valid) { result[base + j] = dp; }
          s += probs[base + j] * dp;
        }
        red[tid] = s;
        workgroupBarrier();${reduceSnippet('+')}
        let rowDot = red[0];
        for (var j = tid; j < cols; j += ${ROW}) {
          if (valid) { result[base + j] = probs[base + j] * (result[base + j] - rowDot) * gate[base + j]; }
        }`);
}

/** dqkv: dq = dS·[sinkK; k], dk = dSᵀ·q, dv = probsᵀ·dOut (the sink columns excluded from dk and dv). */
function qkvGradProgram(shape: number[]): Program {
  return flat('attention_dqkv', shape, ['qkv', 'sinkK', 'probs', 'dS', 'dOut'], ATT_UNIFORMS, `
          let N = uniforms.nN; let H = uniforms.nH; let dh = uniforms.dh; let cols = N + 1; let ld = 3 * H * dh;
          let e = index % dh; let hh = (index / dh) % (3 * H); let n = (index / (dh * 3 * H)) % N; let b = index / (dh * 3 * H * N);
          let part = hh / H; let h = hh % H;
          let bh = b * H + h;
          var acc = 0.0;
          if (part == 0) {
            let sBase = (bh * N + n) * cols;
            acc = dS[sBase] * sinkK[h * dh + e];
            for (var j = 0; j < N; j++) { acc += dS[sBase + 1 + j] * qkv[(b * N + j) * ld + H * dh + h * dh + e]; }
          } else if (part == 1) {
            for (var r = 0; r < N; r++) { acc += dS[(bh * N + r) * cols + 1 + n] * qkv[(b * N + r) * ld + h * dh + e]; }
          } else {
            for (var r = 0; r < N; r++) { acc += probs[(bh * N + r) * cols + 1 + n] * dOut[((b * N + r) * H + h) * dh + e]; }
          }
          result[index] = acc;`);
}

/** dSinkK = Σ dS[·, 0]·q (which = 0) or dSinkV = Σ probs[·, 0]·dOut (which = 1), over batch and positions. */
function sinkGradProgram(H: number, dh: number): Program {
  return flat('attention_dsink', [H, dh], ['qkv', 'probs', 'dS', 'dOut'], `${ATT_UNIFORMS} which : i32,`, `
          let N = uniforms.nN; let H = uniforms.nH; let dh = uniforms.dh; let cols = N + 1; let ld = 3 * H * dh;
          let e = index % dh; let h = index / dh;
          var acc = 0.0;
          for (var b = 0; b < uniforms.nB; b++) {
            for (var i = 0; i < N; i++) {
              let s = ((b * H + h) * N + i) * cols;
              if (uniforms.which == 0) { acc += dS[s] * qkv[(b * N + i) * ld + h * dh + e]; }
              else { acc += probs[s] * dOut[((b * N + i) * H + h) * dh + e]; }
            }
          }
          result[index] = acc;`);
}

interface AttentionAttrs { nHeads: number; scale: number; softCap: number }

const attention: KernelFunc = ({ inputs, backend, attrs }) => {
  const gpu = backend as unknown as WebGpuBackendLike;
  const { qkv, sinkK, sinkV, bias } = inputs as Record<string, TensorInfo | undefined>;
  const { nHeads: H, scale, softCap } = attrs as unknown as AttentionAttrs;
  const k = 'DifflmAttention';
  const [B, N, threeH, dh] = qkv!.shape as [number, number, number, number];
  if (qkv!.shape.length !== 4 || threeH !== 3 * H) throw new Error(`${k}: qkv must be [B, N, 3·${H}, dh], got [${qkv!.shape.join(', ')}]`);
  expectShape(k, 'sinkK', sinkK!, [H, dh]);
  expectShape(k, 'sinkV', sinkV!, [H, dh]);
  const biasBatch = bias ? bias.shape[0]! : 0;
  if (bias) expectShape(k, 'bias', bias, [biasBatch === 1 ? 1 : B, 1, N, N + 1]);
  const u = [...ints(B, N, H, dh, biasBatch), ...floats(scale, softCap)];
  const q = flatView(qkv!), sk = flatView(sinkK!), sv = flatView(sinkV!);
  const rows = B * H * N, cols = N + 1;
  const probs = gpu.runWebGPUProgram(probsProgram(rows, cols, bias !== undefined), bias ? [q, sk, flatView(bias)] : [q, sk], 'float32', u);
  const gate = gpu.runWebGPUProgram(gateProgram([B, H, N, cols]), [q, sk], 'float32', u);
  const out = gpu.runWebGPUProgram(outProgram([B, N, H, dh]), [q, sv, flatView(probs)], 'float32', u);
  return [out, withShape(probs, [B, H, N, cols]), gate];
};

const attentionGrad: KernelFunc = ({ inputs, backend }) => {
  const gpu = backend as unknown as WebGpuBackendLike;
  const { qkv, sinkK, sinkV, probs, gate, dOut } = inputs as Record<string, TensorInfo>;
  const k = 'DifflmAttentionGrad';
  const [B, N, threeH, dh] = qkv!.shape as [number, number, number, number];
  const H = threeH / 3;
  expectShape(k, 'dOut', dOut!, [B, N, H, dh]);
  expectShape(k, 'probs', probs!, [B, H, N, N + 1]);
  expectShape(k, 'gate', gate!, [B, H, N, N + 1]);
  const u = [...ints(B, N, H, dh, 0), ...floats(0, 1)];
  const q = flatView(qkv!), sk = flatView(sinkK!), sv = flatView(sinkV!), p = flatView(probs!), g = flatView(gate!), dO = flatView(dOut!);
  const dS = gpu.runWebGPUProgram(scoreGradProgram(B * H * N, N + 1), [q, sv, p, g, dO], 'float32', u);
  const ds = flatView(dS);
  const dqkv = gpu.runWebGPUProgram(qkvGradProgram([B, N, threeH, dh]), [q, sk, p, ds, dO], 'float32', u);
  const dSinkK = gpu.runWebGPUProgram(sinkGradProgram(H, dh), [q, p, ds, dO], 'float32', [...u, ...ints(0)]);
  const dSinkV = gpu.runWebGPUProgram(sinkGradProgram(H, dh), [q, p, ds, dO], 'float32', [...u, ...ints(1)]);
  gpu.disposeData(dS.dataId);
  return [dqkv, dSinkK, dSinkV];
};

// ---- QK-norm + RoPE ----------------------------------------------------------------------------------------------
// qkv / y / dy [rows, 3d] (rows = B·N, position n = row mod N, d = H·dh): q and k are RMS-normalised over all d with
// gains (1 + w[g]) and rotated by RoPE (NeoX halves; sin carries the half-rotation's sign), v is copied.
// rstd [rows, 2], weight [2, d], cos / sin [N, dh].

const QK_UNIFORMS = 'rowsN : i32, nN : i32, d : i32, dh : i32, eps : f32,';

/** rstd[r, g] = 1/√(mean(x²) + eps) over the d entries of q (g = 0) or k (g = 1). */
function rstdProgram(rows: number): Program {
  return flat('qknorm_rstd', [rows, 2], ['qkv'], QK_UNIFORMS, `
          let d = uniforms.d; let r = index / 2; let g = index % 2;
          let base = r * 3 * d + g * d;
          var ss = 0.0;
          for (var k = 0; k < d; k++) { let x = qkv[base + k]; ss += x * x; }
          result[index] = 1.0 / sqrt(ss / f32(d) + uniforms.eps);`);
}

/** WGSL: the row, third, head offset, in-head index e and its RoPE partner for an element of a [rows, 3d] array. */
const qkElementSnippet = `
          let d = uniforms.d; let dh = uniforms.dh; let hd2 = dh / 2;
          let r = index / (3 * d); let c = index % (3 * d); let g = c / d; let kk = c % d;
          let e = kk % dh; let head = kk - e;
          let e2 = select(e - hd2, e + hd2, e < hd2);
          let k2 = head + e2;
          let n = r % uniforms.nN;
          let base = r * 3 * d + g * d;`;

function qkNormRopeProgram(rows: number, d: number): Program {
  return flat('qknorm_rope', [rows, 3 * d], ['qkv', 'weight', 'rstd', 'cosT', 'sinT'], QK_UNIFORMS, `${qkElementSnippet}
          if (g == 2) {
            result[index] = qkv[index];
          } else {
            let rs = rstd[r * 2 + g];
            let t1 = qkv[base + kk] * rs * (1.0 + weight[g * d + kk]);
            let t2 = qkv[base + k2] * rs * (1.0 + weight[g * d + k2]);
            result[index] = t1 * cosT[n * dh + e] + t2 * sinT[n * dh + e];
          }`);
}

/** WGSL: dt at entry kk of the third at `base` (position n), the gradient at the normalised, unrotated entry: RoPE's transpose applied to dy. */
const ropeTransposeFn = `
      fn ropeT(base : i32, n : i32, kk : i32) -> f32 {
        let dh = uniforms.dh; let hd2 = dh / 2;
        let e = kk % dh;
        let e2 = select(e - hd2, e + hd2, e < hd2);
        return dy[base + kk] * cosT[n * dh + e] + dy[base + kk - e + e2] * sinT[n * dh + e2];
      }`;

/** m[r, g] = mean over d of (1 + w)·dt·x̂, the row term of RMSNorm's gradient. */
function rmsTermProgram(rows: number): Program {
  return flat('qknorm_m', [rows, 2], ['qkv', 'weight', 'rstd', 'cosT', 'sinT', 'dy'], QK_UNIFORMS, `
          let d = uniforms.d; let dh = uniforms.dh; let hd2 = dh / 2;
          let r = index / 2; let g = index % 2; let n = r % uniforms.nN;
          let base = r * 3 * d + g * d;
          let rs = rstd[index];
          var m = 0.0;
          for (var kk = 0; kk < d; kk++) {
            m += (1.0 + weight[g * d + kk]) * ropeT(base, n, kk) * qkv[base + kk] * rs;
          }
          result[index] = m / f32(d);`, ropeTransposeFn);
}

function qkNormRopeGradProgram(rows: number, d: number): Program {
  return flat('qknorm_rope_dx', [rows, 3 * d], ['qkv', 'weight', 'rstd', 'cosT', 'sinT', 'dy', 'mTerm'], QK_UNIFORMS, `${qkElementSnippet}
          if (g == 2) {
            result[index] = dy[index];
          } else {
            let rs = rstd[r * 2 + g];
            let dt = ropeT(base, n, kk);
            result[index] = rs * ((1.0 + weight[g * d + kk]) * dt - qkv[base + kk] * rs * mTerm[r * 2 + g]);
          }`, ropeTransposeFn);
}

/** dWeight[g, kk] = Σ over rows of dt·x̂. */
function qkWeightGradProgram(d: number): Program {
  return flat('qknorm_dw', [2, d], ['qkv', 'rstd', 'cosT', 'sinT', 'dy'], QK_UNIFORMS, `
          let d = uniforms.d; let dh = uniforms.dh; let hd2 = dh / 2;
          let g = index / d; let kk = index % d;
          var acc = 0.0;
          for (var r = 0; r < uniforms.rowsN; r++) {
            let n = r % uniforms.nN;
            let base = r * 3 * d + g * d;
            acc += ropeT(base, n, kk) * qkv[base + kk] * rstd[r * 2 + g];
          }
          result[index] = acc;`, ropeTransposeFn);
}

function qkNormRopeDims(kernel: string, qkv: TensorInfo, weight: TensorInfo, cos: TensorInfo, sin: TensorInfo, H: number): { rows: number; N: number; dh: number; d: number } {
  const [rows, threeD] = qkv.shape as [number, number];
  const d = threeD / 3;
  const [N, dh] = cos.shape as [number, number];
  if (qkv.shape.length !== 2 || d * 3 !== threeD || d !== H * dh || dh % 2 !== 0 || rows % N !== 0) {
    throw new Error(`${kernel}: expected qkv [B·N, 3·${H}·dh] and cos/sin [N, dh] (dh even), got [${qkv.shape.join(', ')}] and [${cos.shape.join(', ')}]`);
  }
  expectShape(kernel, 'weight', weight, [2, d]);
  expectShape(kernel, 'sin', sin, [N, dh]);
  return { rows, N, dh, d };
}

const qkNormRope: KernelFunc = ({ inputs, backend, attrs }) => {
  const gpu = backend as unknown as WebGpuBackendLike;
  const { qkv, weight, cos, sin } = inputs as Record<string, TensorInfo>;
  const { nHeads: H, eps } = attrs as unknown as { nHeads: number; eps: number };
  const { rows, N, dh, d } = qkNormRopeDims('DifflmQkNormRope', qkv!, weight!, cos!, sin!, H);
  const u = [...ints(rows, N, d, dh), ...floats(eps)];
  const x = flatView(qkv!);
  const rstd = gpu.runWebGPUProgram(rstdProgram(rows), [x], 'float32', u);
  const y = gpu.runWebGPUProgram(qkNormRopeProgram(rows, d), [x, flatView(weight!), flatView(rstd), flatView(cos!), flatView(sin!)], 'float32', u);
  return [y, rstd];
};

const qkNormRopeGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const gpu = backend as unknown as WebGpuBackendLike;
  const { qkv, weight, rstd, cos, sin, dy } = inputs as Record<string, TensorInfo>;
  const { nHeads: H, eps } = attrs as unknown as { nHeads: number; eps: number };
  const { rows, N, dh, d } = qkNormRopeDims('DifflmQkNormRopeGrad', qkv!, weight!, cos!, sin!, H);
  expectShape('DifflmQkNormRopeGrad', 'dy', dy!, [rows, 3 * d]);
  expectShape('DifflmQkNormRopeGrad', 'rstd', rstd!, [rows, 2]);
  const u = [...ints(rows, N, d, dh), ...floats(eps)];
  const x = flatView(qkv!), w = flatView(weight!), rs = flatView(rstd!), c = flatView(cos!), s = flatView(sin!), g = flatView(dy!);
  const m = gpu.runWebGPUProgram(rmsTermProgram(rows), [x, w, rs, c, s, g], 'float32', u);
  const dx = gpu.runWebGPUProgram(qkNormRopeGradProgram(rows, d), [x, w, rs, c, s, g, flatView(m)], 'float32', u);
  const dw = gpu.runWebGPUProgram(qkWeightGradProgram(d), [x, rs, c, s, g], 'float32', u);
  gpu.disposeData(m.dataId);
  return [dx, dw];
};

/** The WebGPU kernels of the attention block's fused contract (DifflmQkNormRope, DifflmAttention and their gradients). */
export const webgpuFusedKernels: readonly KernelConfig[] = [
  { kernelName: 'DifflmQkNormRope', backendName: 'webgpu', kernelFunc: qkNormRope },
  { kernelName: 'DifflmQkNormRopeGrad', backendName: 'webgpu', kernelFunc: qkNormRopeGrad },
  { kernelName: 'DifflmAttention', backendName: 'webgpu', kernelFunc: attention },
  { kernelName: 'DifflmAttentionGrad', backendName: 'webgpu', kernelFunc: attentionGrad },
];

/**
 * Register the fused kernels for the 'webgpu' backend (once; later calls do nothing): the attention block's and the
 * GIDD loss's (fused-loss.ts).
 */
export function registerWebGpuFusedKernels(): void {
  for (const k of [...webgpuFusedKernels, ...webgpuLossKernels]) if (!getKernel(k.kernelName, 'webgpu')) registerKernel(k);
}
