// Every overridden kernel agrees with the plain cpu backend (float32 tolerance), including the fallbacks.
import { describe, expect, it } from 'vitest';
import { tf } from '@difflm/test-utils';
import { isNativeAvailable, nativeInfo } from './native-info.js';
import type { NativeBackend } from './native-backend.js';
import { nativeKernels, registerNativeKernels } from './register.js';

const available = isNativeAvailable();
const info = nativeInfo();
const title = available ? 'native kernels agree with the cpu backend' : `native kernels agree with the cpu backend (SKIPPED: ${info.available ? '' : info.reason})`;

/** Deterministic float data in [lo, hi). */
function data(n: number, seed: number, lo = -2, hi = 2): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((hi - lo) * s) / 2 ** 32;
  });
}
const rand = (shape: number[], seed: number, lo = -2, hi = 2): tf.Tensor => tf.tensor(data(shape.reduce((a, b) => a * b, 1), seed, lo, hi), shape);

/** Run `fn` on the cpu backend and on the native backend; return both results as arrays. */
async function onBoth(fn: () => tf.Tensor | tf.Tensor[]): Promise<[Float32Array[], Float32Array[]]> {
  const run = async (backend: string): Promise<Float32Array[]> => {
    await tf.setBackend(backend);
    return tf.tidy(() => [fn()].flat()).map((t) => {
      const v = Float32Array.from(t.dataSync());
      t.dispose();
      return v;
    });
  };
  return [await run('cpu'), await run('native')];
}

function expectClose(actual: Float32Array[], expected: Float32Array[], rtol = 1e-5, atol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, k) => {
    const a = actual[k]!;
    expect(a.length).toBe(e.length);
    for (let i = 0; i < e.length; i++) {
      const ok = (Number.isNaN(e[i]!) && Number.isNaN(a[i]!)) || Math.abs(a[i]! - e[i]!) <= atol + rtol * Math.abs(e[i]!);
      if (!ok) throw new Error(`output ${k}[${i}]: native ${a[i]} vs cpu ${e[i]}`);
    }
  });
}

/** One or more cases per overridden kernel; the coverage test checks every override is here. */
const cases: Record<string, (() => tf.Tensor | tf.Tensor[])[]> = {
  BatchMatMul: [
    () => tf.matMul(rand([7, 5], 1), rand([5, 3], 2)),
    () => tf.matMul(rand([5, 7], 1), rand([5, 3], 2), true, false),
    () => tf.matMul(rand([7, 5], 1), rand([3, 5], 2), false, true),
    () => tf.matMul(rand([2, 3, 5, 7], 1), rand([2, 3, 4, 5], 2), true, true),
    () => tf.matMul(rand([1, 4, 5], 1), rand([3, 5, 6], 2)), // batch broadcasting
    () => tf.matMul(rand([3, 4, 5], 1), rand([1, 6, 5], 2), false, true),
    () => tf.matMul(rand([4, 6, 5], 1), rand([5, 2], 2)),
  ],
  // Large cases (≥ 2·64K elements) take the multi-threaded paths of the addon.
  Add: [() => tf.add(rand([300, 1000], 1), rand([1000], 2)), () => tf.add(rand([300000], 1), rand([300000], 2)), () => tf.add(rand([2, 3, 4], 1), rand([4], 2)), () => tf.add(rand([2, 1, 4], 1), rand([3, 1], 2)), () => tf.add(rand([3, 4], 1), 2.5), () => tf.add(tf.tensor([1, 2], [2], 'int32'), tf.tensor([3, 4], [2], 'int32'))],
  Sub: [() => tf.sub(rand([2, 3, 4], 1), rand([2, 3, 1], 2)), () => tf.sub(1, rand([5], 2))],
  Multiply: [() => tf.mul(rand([2, 3, 4], 1), rand([2, 3, 4], 2)), () => tf.mul(rand([4, 1, 3], 1), rand([1, 5, 3], 2))],
  RealDiv: [() => tf.div(rand([3, 4], 1), rand([3, 4], 2, 0.5, 2)), () => tf.div(rand([3, 4], 1), 3)],
  Maximum: [() => tf.maximum(rand([3, 4], 1), rand([4], 2))],
  Minimum: [() => tf.minimum(rand([3, 4], 1), rand([3, 1], 2))],
  SquaredDifference: [() => tf.squaredDifference(rand([3, 4], 1), rand([3, 4], 2))],
  // Comparisons return bool tensors (read back as 0/1); NaN compares false except in NotEqual.
  Greater: [() => tf.greater(rand([300, 1000], 1), rand([1000], 2)), () => tf.greater(tf.tensor([1, NaN, 3]), 2)],
  GreaterEqual: [() => tf.greaterEqual(tf.tensor([1, 2, NaN, 4]), tf.tensor([1, 3, 1, 4])), () => tf.greaterEqual(0, rand([3, 4], 2))],
  Less: [() => tf.less(rand([2, 3, 4], 1), rand([3, 1], 2))],
  LessEqual: [() => tf.lessEqual(tf.tensor([1, 2, NaN]), tf.tensor([1, 1, 1]))],
  Equal: [() => tf.equal(tf.tensor([1, 2, NaN, 0]), tf.tensor([1, 3, NaN, -0]))],
  NotEqual: [() => tf.notEqual(tf.tensor([1, 2, NaN, 0]), tf.tensor([1, 3, NaN, -0]))],
  Select: [() => tf.where(tf.greater(rand([300, 1000], 1), 0), rand([300, 1000], 2), rand([300, 1000], 3)), () => tf.where(tf.tensor2d([true, false], [2, 1], 'bool'), rand([2, 3], 2), rand([2, 3], 3)), () => tf.where(tf.tensor([true, false, true], [3], 'bool'), tf.tensor([1, 2, 3], [3], 'int32'), tf.tensor([4, 5, 6], [3], 'int32'))],
  AddN: [() => tf.addN([rand([3, 4], 1), rand([3, 4], 2), rand([3, 4], 3)]), () => tf.addN([rand([2, 2], 4)])],
  Exp: [() => tf.exp(rand([300000], 3, -10, 10)), () => tf.exp(rand([50], 1, -90, 80)), () => tf.exp(tf.tensor([-Infinity, -1e9, 0]))],
  Log: [() => tf.log(rand([50], 1, 0.01, 10))],
  Log1p: [() => tf.log1p(rand([50], 1, -0.5, 10))],
  Expm1: [() => tf.expm1(rand([50], 1, -3, 3))],
  Neg: [() => tf.neg(rand([50], 1))],
  Sqrt: [() => tf.sqrt(rand([50], 1, 0, 10))],
  Rsqrt: [() => tf.rsqrt(rand([50], 1, 0.01, 10))],
  Square: [() => tf.square(rand([50], 1))],
  Relu: [() => tf.relu(rand([50], 1))],
  Sigmoid: [() => tf.sigmoid(rand([50], 1, -20, 20))],
  Tanh: [() => tf.tanh(rand([200], 1, -5, 5)), () => tf.tanh(rand([50], 2, -0.2, 0.2))],
  Abs: [() => tf.abs(rand([50], 1))],
  Reciprocal: [() => tf.reciprocal(rand([50], 1, 0.5, 3))],
  Step: [() => tf.step(rand([50], 1)), () => tf.step(rand([50], 1), 0.3)],
  ClipByValue: [() => tf.clipByValue(rand([300000], 1), -0.5, 1.25), () => tf.clipByValue(tf.tensor([NaN, -Infinity, Infinity, 0]), -1, 1)],
  Sum: [() => tf.sum(rand([600, 500], 5), -1), () => tf.sum(rand([4, 5, 6], 1), -1), () => tf.sum(rand([4, 5, 6], 1), 0), () => tf.sum(rand([4, 5, 6], 1), 1, true), () => tf.sum(rand([4, 5, 6], 1), [0, 2]), () => tf.sum(rand([4, 5, 6], 1))],
  Mean: [() => tf.mean(rand([4, 5, 6], 1), -1, true), () => tf.mean(rand([4, 1, 6], 1), [0, 1])],
  Max: [() => tf.max(rand([4, 5, 6], 1), -1), () => tf.max(rand([4, 5, 6], 1), [0, 1])],
  Min: [() => tf.min(rand([4, 5, 6], 1), 0), () => tf.min(rand([4, 5, 6], 1), 1, true)],
  Transpose: [() => tf.transpose(rand([3, 4], 1)), () => tf.transpose(rand([2, 3, 4, 5], 1), [0, 2, 1, 3]), () => tf.transpose(rand([2, 3, 4, 5], 1), [0, 2, 3, 1]), () => tf.transpose(rand([2, 3, 40, 50], 1), [0, 1, 3, 2]), () => tf.transpose(rand([2, 1, 3], 1), [2, 1, 0])],
  Softmax: [() => tf.softmax(rand([600, 500], 4, -10, 10)), () => tf.softmax(rand([6, 9], 1, -10, 10)), () => tf.softmax(rand([50, 37], 5, -300, 300)), () => tf.softmax(tf.concat([rand([2, 3, 4], 1), tf.fill([2, 3, 2], -1e9)], -1))],
  Slice: [() => tf.slice(rand([4, 5, 6], 1), [1, 0, 2], [2, -1, 3]), () => tf.slice(rand([4, 5], 1), [1, 0], [2, 5])],
  SplitV: [() => tf.split(rand([4, 6], 1), [2, 4], 1), () => tf.split(rand([2, 3, 6], 1), 3, -1)],
  Concat: [() => tf.concat([rand([2, 3, 1], 1), rand([2, 3, 4], 2)], -1), () => tf.concat([rand([1, 3], 1), rand([2, 3], 2)], 0)],
  GatherV2: [() => tf.gather(rand([10, 4], 1), tf.tensor1d([3, 0, 9, 3], 'int32')), () => tf.gather(rand([10, 4], 1), tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'))],
};

describe.skipIf(!available)(title, () => {
  it('registers the native backend next to cpu and overrides its kernels', async () => {
    // Two elementwise threads, so the large cases below take the addon's multi-threaded paths.
    expect(registerNativeKernels(tf, { elementwiseThreads: 2 })).toBe(true);
    expect(nativeInfo()).toMatchObject({ available: true, elementwiseThreads: 2 });
    expect(tf.getKernel('BatchMatMul', 'native')?.kernelFunc).not.toBe(tf.getKernel('BatchMatMul', 'cpu')?.kernelFunc);
    expect(tf.getKernel('OneHot', 'native')).toBeDefined();
  });

  it('has an agreement case for every overridden kernel', () => {
    expect(Object.keys(cases).sort()).toEqual([...new Set(nativeKernels.map((k) => k.kernelName))].sort());
  });

  for (const [name, fns] of Object.entries(cases)) {
    it(`${name} matches cpu`, async () => {
      for (const fn of fns) {
        const [cpu, native] = await onBoth(fn);
        expectClose(native, cpu, 2e-5, 1e-5);
      }
    });
  }

  it('broadcasts batch dims numpy-style (which the cpu kernel only does when one side has batch 1)', async () => {
    await tf.setBackend('native');
    const [got, want] = tf.tidy(() => {
      const a = rand([2, 1, 4, 5], 1);
      const b = rand([3, 5, 6], 2);
      return [tf.matMul(a, b), tf.matMul(tf.tile(a, [1, 3, 1, 1]), tf.tile(tf.expandDims(b, 0), [2, 1, 1, 1]))];
    });
    expect(got!.shape).toEqual([2, 3, 4, 6]);
    expectClose([got!.dataSync() as Float32Array], [want!.dataSync() as Float32Array]);
    tf.dispose([got!, want!]);
  });

  it('treats float32 tensors stored as Uint8Array after a bool cast through the fallback', async () => {
    const [cpu, native] = await onBoth(() => tf.add(tf.cast(tf.greater(rand([8], 1), 0), 'float32'), rand([8], 2)));
    expectClose(native, cpu);
  });

  it('recycles disposed output arrays for later outputs of the same size', async () => {
    await tf.setBackend('native');
    const backend = tf.backend() as unknown as NativeBackend;
    const x = rand([1000], 1);
    tf.exp(x).dispose(); // its output array goes to the pool
    const before = backend.poolStats();
    const y = tf.exp(x);
    expect(backend.poolStats().hits).toBe(before.hits + 1);
    tf.dispose([x, y]);
  });

  it('hands out copies: data read before dispose does not change when the pool recycles its storage', async () => {
    await tf.setBackend('native');
    const a = tf.exp(rand([64], 1));
    const values = a.dataSync();
    const kept = Float32Array.from(values);
    a.dispose();
    const b = tf.tidy(() => tf.neg(tf.exp(rand([64], 2)))); // likely reuses a's array
    expect(Array.from(values)).toEqual(Array.from(kept));
    b.dispose();
  });
});
