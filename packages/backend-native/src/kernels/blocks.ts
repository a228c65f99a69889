// The fused blocks of @difflm/models (DifflmQkNormRope, DifflmAttention, DifflmRmsNorm, DifflmBiasSquaredRelu and their
// gradients, DifflmEmbeddingGrad; the contract is documented in @difflm/models' fused.ts) and @difflm/trainer's fused
// kernels (the optimizer updates and DifflmSumSquares; its fused-update.ts) on the addon's native/blocks.cc. These are
// new kernel names, registered for the native backend only; a backend without them runs the composite graph.
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.js';
import { alloc, input, output, sizeOf, tokenIds } from './native-kernel.js';
import { lossKernels } from './loss.js';

/** A kernel that exists only on the native backend (no cpu kernel underneath). */
export interface FusedNativeKernel {
  kernelName: string;
  make(addon: NativeAddon): KernelFunc;
}

function expectShape(kernel: string, name: string, t: TensorInfo, shape: readonly number[]): void {
  if (t.shape.length !== shape.length || t.shape.some((n, i) => n !== shape[i])) {
    throw new Error(`${kernel}: input '${name}' must have shape [${shape.join(', ')}], got [${t.shape.join(', ')}]`);
  }
}

const attention: FusedNativeKernel = {
  kernelName: 'DifflmAttention',
  make: (addon) => (args) => {
    const backend = args.backend as MathBackendCPU;
    const { qkv, sinkK, sinkV, bias } = args.inputs as Record<string, TensorInfo | undefined>;
    const { nHeads: H, scale, softCap } = args.attrs as { nHeads: number; scale: number; softCap: number };
    const k = 'DifflmAttention';
    const [B, N, threeH, dh] = qkv!.shape as [number, number, number, number];
    if (qkv!.shape.length !== 4 || threeH !== 3 * H) throw new Error(`${k}: qkv must be [B, N, 3·${H}, dh], got [${qkv!.shape.join(', ')}]`);
    expectShape(k, 'sinkK', sinkK!, [H, dh]);
    expectShape(k, 'sinkV', sinkV!, [H, dh]);
    const biasBatch = bias ? bias.shape[0]! : 0;
    if (bias) expectShape(k, 'bias', bias, [biasBatch === 1 ? 1 : B, 1, N, N + 1]);
    const out = alloc(backend, B * N * H * dh);
    const probs = alloc(backend, B * H * N * (N + 1));
    const gate = alloc(backend, B * H * N * (N + 1));
    addon.attentionForward(input(backend, qkv!, k, 'qkv'), input(backend, sinkK!, k, 'sinkK'), input(backend, sinkV!, k, 'sinkV'), bias ? input(backend, bias, k, 'bias') : null, biasBatch, out, probs, gate, B, N, H, dh, scale, softCap);
    return [output(backend, [B, N, H, dh], out), output(backend, [B, H, N, N + 1], probs), output(backend, [B, H, N, N + 1], gate)];
  },
};

const attentionGrad: FusedNativeKernel = {
  kernelName: 'DifflmAttentionGrad',
  make: (addon) => (args) => {
    const backend = args.backend as MathBackendCPU;
    const { qkv, sinkK, sinkV, probs, gate, dOut } = args.inputs as Record<string, TensorInfo>;
    const k = 'DifflmAttentionGrad';
    const [B, N, threeH, dh] = qkv!.shape as [number, number, number, number];
    const H = threeH / 3;
    expectShape(k, 'dOut', dOut!, [B, N, H, dh]);
    expectShape(k, 'probs', probs!, [B, H, N, N + 1]);
    expectShape(k, 'gate', gate!, [B, H, N, N + 1]);
    const dqkv = alloc(backend, sizeOf(qkv!.shape));
    const dSinkK = alloc(backend, H * dh);
    const dSinkV = alloc(backend, H * dh);
    addon.attentionBackward(input(backend, qkv!, k, 'qkv'), input(backend, sinkK!, k, 'sinkK'), input(backend, sinkV!, k, 'sinkV'), input(backend, probs!, k, 'probs'), input(backend, gate!, k, 'gate'), input(backend, dOut!, k, 'dOut'), dqkv, dSinkK, dSinkV, B, N, H, dh);
    return [output(backend, qkv!.shape, dqkv), output(backend, [H, dh], dSinkK), output(backend, [H, dh], dSinkV)];
  },
};

/** Rows, positions and head layout of DifflmQkNormRope's inputs. */
function qkNormRopeDims(kernel: string, qkv: TensorInfo, weight: TensorInfo, cos: TensorInfo, sin: TensorInfo, H: number): { rows: number; N: number; dh: number } {
  const [rows, threeD] = qkv.shape as [number, number];
  const d = threeD / 3;
  const [N, dh] = cos.shape as [number, number];
  if (qkv.shape.length !== 2 || d * 3 !== threeD || d !== H * dh || dh % 2 !== 0 || rows % N !== 0) {
    throw new Error(`${kernel}: expected qkv [B·N, 3·${H}·dh] and cos/sin [N, dh] (dh even), got [${qkv.shape.join(', ')}] and [${cos.shape.join(', ')}]`);
  }
  expectShape(kernel, 'weight', weight, [2, d]);
  expectShape(kernel, 'sin', sin, [N, dh]);
  return { rows, N, dh };
}

const qkNormRope: FusedNativeKernel = {
  kernelName: 'DifflmQkNormRope',
  make: (addon) => (args) => {
    const backend = args.backend as MathBackendCPU;
    const { qkv, weight, cos, sin } = args.inputs as Record<string, TensorInfo>;
    const { nHeads: H, eps } = args.attrs as { nHeads: number; eps: number };
    const k = 'DifflmQkNormRope';
    const { rows, N, dh } = qkNormRopeDims(k, qkv!, weight!, cos!, sin!, H);
    const y = alloc(backend, sizeOf(qkv!.shape));
    const rstd = alloc(backend, rows * 2);
    addon.qkNormRopeForward(input(backend, qkv!, k, 'qkv'), input(backend, weight!, k, 'weight'), input(backend, cos!, k, 'cos'), input(backend, sin!, k, 'sin'), y, rstd, rows, N, H, dh, eps);
    return [output(backend, qkv!.shape, y), output(backend, [rows, 2], rstd)];
  },
};

const qkNormRopeGrad: FusedNativeKernel = {
  kernelName: 'DifflmQkNormRopeGrad',
  make: (addon) => (args) => {
    const backend = args.backend as MathBackendCPU;
    const { qkv, weight, rstd, cos, sin, dy } = args.inputs as Record<string, TensorInfo>;
    const { nHeads: H } = args.attrs as { nHeads: number };
    const k = 'DifflmQkNormRopeGrad';
    const { rows, N, dh } = qkNormRopeDims(k, qkv!, weight!, cos!, sin!, H);
    expectShape(k, 'dy', dy!, qkv!.shape);
    expectShape(k, 'rstd', rstd!, [rows, 2]);
    const dqkv = alloc(backend, sizeOf(qkv!.shape));
    const dw = alloc(backend, sizeOf(weight!.shape));
    addon.qkNormRopeBackward(input(backend, qkv!, k, 'qkv'), input(backend, weight!, k, 'weight'), input(backend, rstd!, k, 'rstd'), input(backend, cos!, k, 'cos'), input(backend, sin!, k, 'sin'), input(backend, dy!, k, 'dy'), dqkv, dw, rows, N, H, dh);
    return [output(backend, qkv!.shape, dqkv), output(backend, weight!.shape, dw)];
  },
};

function normDims(kernel: string, x: TensorInfo, weight: TensorInfo): { rows: number; d: number; groups: number } {
  const r = x.shape.length - weight.shape.length;
  if (r < 0 || weight.shape.some((n, i) => n !== x.shape[r + i])) {
    throw new Error(`${kernel}: weight [${weight.shape.join(', ')}] must equal the trailing axes of x [${x.shape.join(', ')}]`);
  }
  const d = x.shape[x.shape.length - 1]!;
  return { rows: sizeOf(x.shape) / d, d, groups: sizeOf(weight.shape) / d };
}

const rmsNorm: FusedNativeKernel = {
  kernelName: 'DifflmRmsNorm',
  make: (addon) => (args) => {
    const backend = args.backend as MathBackendCPU;
    const { x, weight } = args.inputs as Record<string, TensorInfo>;
    const { eps } = args.attrs as { eps: number };
    const { rows, d, groups } = normDims('DifflmRmsNorm', x!, weight!);
    const y = alloc(backend, rows * d);
    const rstd = alloc(backend, rows);
    addon.rmsNormForward(input(backend, x!, 'DifflmRmsNorm', 'x'), input(backend, weight!, 'DifflmRmsNorm', 'weight'), y, rstd, rows, d, groups, eps);
    return [output(backend, x!.shape, y), output(backend, [rows], rstd)];
  },
};

const rmsNormGrad: FusedNativeKernel = {
  kernelName: 'DifflmRmsNormGrad',
  make: (addon) => (args) => {
    const backend = args.backend as MathBackendCPU;
    const { x, weight, rstd, dy } = args.inputs as Record<string, TensorInfo>;
    const k = 'DifflmRmsNormGrad';
    const { rows, d, groups } = normDims(k, x!, weight!);
    expectShape(k, 'dy', dy!, x!.shape);
    const dx = alloc(backend, rows * d);
    const dw = alloc(backend, groups * d);
    addon.rmsNormBackward(input(backend, x!, k, 'x'), input(backend, weight!, k, 'weight'), input(backend, rstd!, k, 'rstd'), input(backend, dy!, k, 'dy'), dx, dw, rows, d, groups);
    return [output(backend, x!.shape, dx), output(backend, weight!.shape, dw)];
  },
};

function mlpDims(kernel: string, x: TensorInfo, bias: TensorInfo): { rows: number; cols: number } {
  if (x.shape.length !== 2 || bias.shape.length !== 1 || bias.shape[0] !== x.shape[1]) {
    throw new Error(`${kernel}: expected x [M, F] and bias [F], got [${x.shape.join(', ')}] and [${bias.shape.join(', ')}]`);
  }
  return { rows: x.shape[0]!, cols: x.shape[1]! };
}

const biasSquaredRelu: FusedNativeKernel = {
  kernelName: 'DifflmBiasSquaredRelu',
  make: (addon) => (args) => {
    const backend = args.backend as MathBackendCPU;
    const { x, bias } = args.inputs as Record<string, TensorInfo>;
    const k = 'DifflmBiasSquaredRelu';
    const { rows, cols } = mlpDims(k, x!, bias!);
    const y = alloc(backend, rows * cols);
    addon.biasSquaredRelu(input(backend, x!, k, 'x'), input(backend, bias!, k, 'bias'), y, rows, cols);
    return output(backend, x!.shape, y);
  },
};

const biasSquaredReluGrad: FusedNativeKernel = {
  kernelName: 'DifflmBiasSquaredReluGrad',
  make: (addon) => (args) => {
    const backend = args.backend as MathBackendCPU;
    const { x, bias, dy } = args.inputs as Record<string, TensorInfo>;
    const k = 'DifflmBiasSquaredReluGrad';
    const { rows, cols } = mlpDims(k, x!, bias!);
    expectShape(k, 'dy', dy!, x!.shape);
    const dx = alloc(backend, rows * cols);
    const db = alloc(backend, cols);
    addon.biasSquaredReluBackward(input(backend, x!, k, 'x'), input(backend, bias!, k, 'bias'), input(backend, dy!, k, 'dy'), dx, db, rows, cols);
    return [output(backend, x!.shape, dx), output(backend, bias!.shape, db)];
  },
};

const embeddingGrad: FusedNativeKernel = {
  kernelName: 'DifflmEmbeddingGrad',
  make: (addon) => (args) => {
    const backend = args.backend as MathBackendCPU;
    const { ids, dy } = args.inputs as Record<string, TensorInfo>;
    const { vocabSize } = args.attrs as { vocabSize?: unknown };
    const V = Number(vocabSize);
    const k = 'DifflmEmbeddingGrad';
    if (!Number.isInteger(V) || V < 1) throw new Error(`${k}: attr vocabSize must be an integer >= 1, got ${String(vocabSize)}`);
    if (!ids || ids.shape.length !== 1) throw new Error(`${k}: ids must be [M], got [${ids?.shape.join(', ')}]`);
    const M = ids.shape[0]!;
    if (!dy || dy.shape.length !== 2 || dy.shape[0] !== M) throw new Error(`${k}: dy must be [${M}, d], got [${dy?.shape.join(', ')}]`);
    const d = dy.shape[1]!;
    const out = alloc(backend, V * d);
    addon.embeddingBackward(tokenIds(backend, ids, k, 'ids', M, V), input(backend, dy, k, 'dy'), out, M, d, V);
    return output(backend, [V, d], out);
  },
};

/** Σ of every input's squared entries (inputs x0, x1, …; @difflm/trainer's gradient norm), as a float32 scalar. */
const sumSquares: FusedNativeKernel = {
  kernelName: 'DifflmSumSquares',
  make: (addon) => (args) => {
    const backend = args.backend as MathBackendCPU;
    const inputs = args.inputs as Record<string, TensorInfo | undefined>;
    const k = 'DifflmSumSquares';
    const count = Object.keys(inputs).length;
    let s = 0;
    for (let i = 0; i < count; i++) {
      const t = inputs[`x${i}`];
      if (!t) throw new Error(`${k}: inputs must be named x0 … x${count - 1}, and x${i} is missing`);
      s += addon.sumSquares(input(backend, t, k, `x${i}`), sizeOf(t.shape));
    }
    const out = alloc(backend, 1);
    out[0] = s;
    return output(backend, [], out);
  },
};

/** One fused optimizer step (@difflm/trainer's fused-update.ts): [param', slot1', slot2'] from {param, grad, slot1, slot2}. */
function optimizerUpdate(kernelName: string, slot2: 'v' | 'nu', run: (addon: NativeAddon, io: Float32Array[], n: number, attrs: Record<string, number>) => void): FusedNativeKernel {
  return {
    kernelName,
    make: (addon) => (args) => {
      const backend = args.backend as MathBackendCPU;
      const inputs = args.inputs as Record<string, TensorInfo>;
      const param = inputs.param!;
      for (const name of ['grad', 'm', slot2]) expectShape(kernelName, name, inputs[name]!, param.shape);
      const n = sizeOf(param.shape);
      const ins = ['param', 'grad', 'm', slot2].map((name) => input(backend, inputs[name]!, kernelName, name));
      const outs = [alloc(backend, n), alloc(backend, n), alloc(backend, n)];
      run(addon, [...ins, ...outs], n, args.attrs as Record<string, number>);
      return outs.map((o) => output(backend, param.shape, o));
    },
  };
}

const adamwUpdate = optimizerUpdate('DifflmAdamWUpdate', 'v', (addon, [p, g, m, v, po, mo, vo], n, a) =>
  addon.adamwUpdate(p!, g!, m!, v!, po!, mo!, vo!, n, a.beta1!, a.beta2!, a.c1!, a.c2!, a.epsilon!, a.lr!, a.weightDecay!));
const lapropUpdate = optimizerUpdate('DifflmLaPropUpdate', 'nu', (addon, [p, g, m, nu, po, mo, nuo], n, a) =>
  addon.lapropUpdate(p!, g!, m!, nu!, po!, mo!, nuo!, n, a.beta1!, a.beta2!, a.epsilon!, a.lr!, a.weightDecay!));

/** Every fused kernel the native backend adds. */
export const fusedKernels: readonly FusedNativeKernel[] = [attention, attentionGrad, qkNormRope, qkNormRopeGrad, rmsNorm, rmsNormGrad, biasSquaredRelu, biasSquaredReluGrad, embeddingGrad, adamwUpdate, lapropUpdate, sumSquares, ...lossKernels];
