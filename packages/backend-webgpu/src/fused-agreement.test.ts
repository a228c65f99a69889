// The WGSL kernels of the attention block's fused contract (DifflmQkNormRope, DifflmAttention and their gradients,
// ADR 0005) against the composite tf-op graph they replace, on the same WebGPU adapter and against cpu: loss and every
// parameter gradient of the paper's transformer, bidirectional, causal (an additive bias shared over the batch) and
// with per-sequence attention masks, on rows longer than a workgroup. On CPU-only machines the adapter is SwiftShader.
import { describe, expect, it } from 'vitest';
import { expectNoLeaks, tf, useSoftwareVulkan, relativeL2, worstRelativeL2 } from '@difflm/test-utils';
import { createTransformer, fusedKernelActive, setFusedKernelsEnabled } from '@difflm/models';
import { describeAdapter, startWebGpu, webgpuInfo } from './index.js';

useSoftwareVulkan();
const info = await webgpuInfo();
const title = info.available ? `the WGSL fused attention kernels (${describeAdapter(info)}) match the composite graph` : `the WGSL fused attention kernels match the composite graph (SKIPPED: ${info.reason})`;

type Model = ReturnType<typeof createTransformer>;
type Config = Parameters<typeof createTransformer>[0];

/** A model whose zero-initialised parameters (norm gains, sinks, biases, head) are made non-zero, the same on every backend. */
function perturbedModel(config: Config): Model {
  const model = createTransformer(config, { seed: 3 });
  for (const p of model.params) {
    let s = [...p.name].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0, 11);
    const noise = Float32Array.from({ length: p.variable.size }, () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return (s / 2 ** 32 - 0.5) * 0.4; });
    p.variable.assign(tf.tidy(() => tf.add(p.variable, tf.tensor(noise, p.variable.shape))));
  }
  return model;
}

const tokens = (B: number, N: number, V: number): tf.Tensor2D => tf.tensor2d(Int32Array.from({ length: B * N }, (_, i) => (i * 7919 + 13) % V), [B, N], 'int32');
const maskValues = (B: number, N: number): Float32Array => Float32Array.from({ length: B * N * N }, (_, i) => (((i * 2654435761) >>> 0) % 3 === 0 ? 0 : 1));

async function lossAndGrads(backend: string, config: Config, B: number, withMask: boolean, fused: boolean, change?: (m: Model) => void): Promise<{ loss: number; grads: Float32Array[] }> {
  await tf.setBackend(backend);
  setFusedKernelsEnabled(fused);
  try {
    const model = perturbedModel(config);
    change?.(model);
    const x = tokens(B, config.seqLen, config.vocabSize);
    const mask = withMask ? tf.tensor3d(maskValues(B, config.seqLen), [B, config.seqLen, config.seqLen]) : null;
    const vars = model.params.map((p) => p.variable);
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(model.apply(x, mask))) as tf.Scalar, vars);
    const out = { loss: (await value.data())[0]!, grads: await Promise.all(vars.map(async (v) => Float32Array.from(await grads[v.name]!.data()))) };
    tf.dispose([value, x, ...(mask ? [mask] : []), ...Object.values(grads)]);
    model.dispose();
    return out;
  } finally {
    setFusedKernelsEnabled(true);
  }
}

describe.skipIf(!info.available)(title, () => {
  it('runs the fused attention block on webgpu (and not on cpu)', async () => {
    await startWebGpu();
    await tf.setBackend('webgpu');
    expect(fusedKernelActive('attention')).toBe(true);
    await tf.setBackend('cpu');
    expect(fusedKernelActive('attention')).toBe(false);
  }, 60_000);

  it.each([
    ['bidirectional, no mask', false, false, 12],
    ['causal (additive bias shared over the batch)', true, false, 12],
    ['bidirectional with a per-sequence attention mask', false, true, 12],
    ['rows longer than a workgroup (N = 70)', false, false, 70],
  ])('gives the composite graph\'s loss and gradients: %s', async (_name, causal, withMask, N) => {
    await startWebGpu();
    const config: Config = { vocabSize: 40, seqLen: N, dModel: 48, nLayers: 2, nHeads: 3, causal };
    const B = N > 64 ? 2 : 3;
    const fused = await lossAndGrads('webgpu', config, B, withMask, true);
    const composite = await lossAndGrads('webgpu', config, B, withMask, false);
    const cpu = await lossAndGrads('cpu', config, B, withMask, false);
    expect(Math.abs(fused.loss - composite.loss)).toBeLessThan(1e-5 * Math.abs(composite.loss));
    expect(worstRelativeL2(fused.grads, composite.grads)).toBeLessThan(1e-4);
    expect(Math.abs(fused.loss - cpu.loss)).toBeLessThan(1e-5 * Math.abs(cpu.loss));
    expect(worstRelativeL2(fused.grads, cpu.grads)).toBeLessThan(1e-4);
  }, 180_000);

  it('gives the same rows when a dispatch passes 65,535 workgroups (TensorFlow.js then reshapes it, with padding)', async () => {
    // 513 sequences of 128, one head of 2: 65,664 attention rows (one workgroup each) and 8.5M probabilities (132k
    // workgroups of the flat programs). The same rows computed in two halves, each under the limit, are the reference.
    await startWebGpu();
    await tf.setBackend('webgpu');
    const [B, N, H, dh] = [513, 128, 1, 2];
    let seed = 7;
    const values = (n: number): Float32Array => Float32Array.from({ length: n }, () => { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; return (seed / 2 ** 32 - 0.5) * 3; });
    const qkv = tf.tensor4d(values(B * N * 3 * H * dh), [B, N, 3 * H, dh]);
    const sinkK = tf.tensor2d(values(H * dh), [H, dh]), sinkV = tf.tensor2d(values(H * dh), [H, dh]);
    const attrs = { nHeads: H, scale: 1 / Math.sqrt(dh), softCap: 5 };
    const run = async (q: tf.Tensor, dOut: tf.Tensor): Promise<Float32Array[]> => {
      const [out, probs, gate] = tf.engine().runKernel('DifflmAttention', { qkv: q, sinkK, sinkV }, attrs) as tf.Tensor[];
      const grads = tf.engine().runKernel('DifflmAttentionGrad', { qkv: q, sinkK, sinkV, probs: probs!, gate: gate!, dOut }, attrs) as tf.Tensor[];
      const all = [out!, probs!, gate!, ...grads];
      const data = await Promise.all(all.map(async (t) => Float32Array.from(await t.data())));
      tf.dispose(all);
      return data;
    };
    const dOut = tf.tensor4d(values(B * N * H * dh), [B, N, H, dh]);
    const whole = await run(qkv, dOut);
    const cut = 256;
    const halves = await Promise.all([[0, cut], [cut, B - cut]].map(async ([start, size]) => {
      const q = tf.slice(qkv, [start!, 0, 0, 0], [size!, N, 3 * H, dh]), d = tf.slice(dOut, [start!, 0, 0, 0], [size!, N, H, dh]);
      const r = await run(q, d);
      tf.dispose([q, d]);
      return r;
    }));
    const joined = (k: number): Float32Array => Float32Array.from([...halves[0]![k]!, ...halves[1]![k]!]);
    for (const [k, name] of [[0, 'out'], [1, 'probs'], [2, 'gate'], [3, 'dqkv']] as const) {
      const a = whole[k]!, b = joined(k);
      expect(a.length, name).toBe(b.length);
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
      expect(worst, name).toBe(0); // the same arithmetic per element, whatever the dispatch's shape
    }
    for (const [k, name] of [[4, 'dSinkK'], [5, 'dSinkV']] as const) {
      const sum = halves[0]![k]!.map((v, i) => v + halves[1]![k]![i]!);
      expect(relativeL2(whole[k]!, sum), name).toBeLessThan(1e-5);
    }
    // Every attention row is a distribution: padding workgroups wrote nothing over real rows.
    const probs = whole[1]!;
    for (const r of [0, 65_535, 65_536, B * N - 1]) expect(probs.subarray(r * (N + 1), (r + 1) * (N + 1)).reduce((p, q) => p + q, 0), `row ${r}`).toBeCloseTo(1, 5);
    tf.dispose([qkv, sinkK, sinkV, dOut]);
  }, 300_000);

  it('changes the result when the fused attention sees other weights (the comparison can fail)', async () => {
    await startWebGpu();
    const config: Config = { vocabSize: 40, seqLen: 12, dModel: 48, nLayers: 1, nHeads: 3 };
    const composite = await lossAndGrads('webgpu', config, 2, false, false);
    const bump = (m: Model): void => { const v = m.params.find((p) => p.name.endsWith('sink_v'))!.variable; v.assign(tf.tidy(() => tf.add(v, 1e-2))); };
    const fused = await lossAndGrads('webgpu', config, 2, false, true, bump);
    expect(worstRelativeL2(fused.grads, composite.grads)).toBeGreaterThan(1e-4);
  }, 120_000);

  it('leaves no tensors behind in a fused forward and backward pass', async () => {
    await startWebGpu();
    await tf.setBackend('webgpu');
    const model = perturbedModel({ vocabSize: 40, seqLen: 12, dModel: 48, nLayers: 2, nHeads: 3, causal: true });
    const x = tokens(2, 12, 40);
    const step = async (): Promise<void> => {
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(model.apply(x, null))) as tf.Scalar, model.params.map((p) => p.variable));
      await value.data();
      tf.dispose([value, ...Object.values(grads)]);
    };
    await step();
    const buffers = tf.engine().backend.numDataIds(); // the kernels' intermediates (score gradients, RMS terms) too
    await expectNoLeaks(step);
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
    x.dispose();
    model.dispose();
  }, 120_000);
});
