// The parts of TensorFlow.js's WebGPU backend that difflm's WGSL kernels use (it does not export their types), and the
// two shapes of program they are written in: flat (one invocation per output element) and row (one workgroup per row).
import { util, type TensorInfo } from '@tensorflow/tfjs-core';

/** The parts of TensorFlow.js's WebGPU program interface these kernels use. */
export interface Program {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  size?: boolean;
  uniforms?: string;
  getUserCode(): string;
}

export interface Uniform { type: 'int32' | 'float32'; data: number[] }

/** The parts of TensorFlow.js's WebGPU backend these kernels use. */
export interface WebGpuBackendLike {
  runWebGPUProgram(program: Program, inputs: TensorInfo[], dtype: 'float32', uniforms?: Uniform[]): TensorInfo;
  disposeData(dataId: object): boolean;
}

/** Invocations per workgroup of a flat program, and of a row program (one workgroup per row). */
export const FLAT = 64;
export const ROW = 64;

/** A flat program: one invocation per element of `outputShape`; `body` sets `result[index]` from `index`. */
export function flat(key: string, outputShape: number[], variableNames: string[], uniforms: string, body: string, prelude = ''): Program {
  const size = util.sizeFromShape(outputShape);
  return {
    variableNames, outputShape, shaderKey: `difflm_${key}`, dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.ceil(size / FLAT), 1, 1], workgroupSize: [FLAT, 1, 1], size: true, uniforms,
    getUserCode: () => `${prelude}
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${body}
        }
      }`,
  };
}

/** Reduce `red` (ROW entries) in place with `op` ('max' or '+'); every invocation of the workgroup calls it. */
export const reduceSnippet = (op: 'max' | '+'): string => `
        for (var stride = ${ROW / 2}; stride > 0; stride = stride >> 1) {
          if (tid < stride) { red[tid] = ${op === 'max' ? 'max(red[tid], red[tid + stride])' : 'red[tid] + red[tid + stride]'}; }
          workgroupBarrier();
        }`;

/**
 * A row program: one workgroup of ROW invocations per row of `rows`, each row `cols` long in the output; `body`
 * sees row, tid, valid (false for the padding workgroups a large dispatch can add) and the shared array `red`
 * (reduce it with reduceSnippet); `prelude` holds WGSL declared before main.
 */
export function rowwise(key: string, rows: number, cols: number, variableNames: string[], uniforms: string, body: string, prelude = ''): Program {
  return {
    variableNames, outputShape: [rows, cols], shaderKey: `difflm_${key}`, dispatchLayout: { x: [0] },
    dispatch: [rows, 1, 1], workgroupSize: [ROW, 1, 1], uniforms,
    getUserCode: () => `
      var<workgroup> red : array<f32, ${ROW}>;${prelude}
      fn main(index : i32) {
        let row = index / ${ROW};
        let tid = index % ${ROW};
        let valid = row < uniforms.outShape[0];
        ${body}
      }`,
  };
}

/** A flat view of a tensor (same storage, shape [size]); valid while the tensor lives. */
export const flatView = (t: TensorInfo): TensorInfo => ({ dataId: t.dataId, shape: [util.sizeFromShape(t.shape)], dtype: t.dtype });
/** Program-defined uniforms, one scalar field each (an entry of several values would be laid out as a vector). */
export const ints = (...data: number[]): Uniform[] => data.map((v) => ({ type: 'int32', data: [v] }));
export const floats = (...data: number[]): Uniform[] => data.map((v) => ({ type: 'float32', data: [v] }));
export const withShape = (t: TensorInfo, shape: number[]): TensorInfo => ({ dataId: t.dataId, shape, dtype: t.dtype });

