// The WGSL GIDD loss (DifflmGiddKlIs and its gradient, @difflm/noise's loss/fused-loss.ts) against the composite graph
// it replaces, on the same WebGPU adapter and inputs: per-token KL, IS, loss and ELBO, and the gradient with respect to
// the logits, for every built-in noise type, with prompt tokens, with logits far from the data, and with a vocabulary
// longer than a workgroup. On CPU-only machines the adapter is SwiftShader.
import { describe, expect, it } from 'vitest';
import { tf, useSoftwareVulkan, relativeL2 } from '@difflm/test-utils';
import { createObjective, createRng, fusedLossActive, setFusedLossEnabled, type NoiseSpec, type TokenSpace } from '@difflm/noise';
import { describeAdapter, startWebGpu, webgpuInfo } from './index.js';

useSoftwareVulkan();
const info = await webgpuInfo();
const title = info.available ? `the WGSL GIDD loss (${describeAdapter(info)}) matches the composite graph` : `the WGSL GIDD loss matches the composite graph (SKIPPED: ${info.reason})`;

const specs: [string, NoiseSpec][] = [
  ['masked', { id: 'difflm/masked' }],
  ['uniform', { id: 'difflm/uniform' }],
  ['low-uniform (hybrid)', { id: 'difflm/hybrid', options: { preset: 'low-uniform' } }],
  ['balanced (hybrid)', { id: 'difflm/hybrid', options: { preset: 'balanced' } }],
  ['gidd', { id: 'difflm/gidd', options: { pUniform: 0.1 } }],
];

interface Terms { kl: Float32Array; is: Float32Array; loss: Float32Array; elbo: Float32Array; grad: Float32Array }

async function termsAndGrad(spec: NoiseSpec, tokens: TokenSpace, logits: tf.Tensor3D, x: tf.Tensor2D, fused: boolean): Promise<Terms> {
  setFusedLossEnabled(fused);
  try {
    const obj = createObjective(spec, tokens, { promptFraction: 0.3 });
    const batch = obj.corrupt(x, createRng(5));
    expect(fusedLossActive()).toBe(fused);
    const t = obj.tokenTerms(logits, batch);
    const read = async (v: tf.Tensor): Promise<Float32Array> => Float32Array.from(await v.data());
    const out = { kl: await read(t.kl), is: await read(t.is), loss: await read(t.loss), elbo: await read(t.elbo) };
    tf.dispose([t.kl, t.is, t.loss, t.elbo]);
    const g = tf.grad((lg: tf.Tensor) => obj.loss(lg as tf.Tensor3D, batch).loss)(logits);
    const grad = await read(g);
    tf.dispose(g);
    batch.dispose();
    return { ...out, grad };
  } finally {
    setFusedLossEnabled(true);
  }
}

const ids = (B: number, N: number, V: number): tf.Tensor2D => tf.tensor2d(Int32Array.from({ length: B * N }, (_, i) => (i * 7919 + 13) % (V - 1)), [B, N], 'int32');

describe.skipIf(!info.available)(title, () => {
  it('runs fused on webgpu and composite on cpu', async () => {
    await startWebGpu();
    await tf.setBackend('webgpu');
    expect(fusedLossActive()).toBe(true);
    await tf.setBackend('cpu');
    expect(fusedLossActive()).toBe(false);
  }, 60_000);

  it.each(specs)('gives the composite per-token terms and logit gradient: %s', async (_name, spec) => {
    await startWebGpu();
    await tf.setBackend('webgpu');
    const tokens: TokenSpace = { vocabSize: 37, maskId: 36, padId: null };
    const [B, N, V] = [4, 12, tokens.vocabSize];
    const x = ids(B, N, V);
    for (const scale of [0.5, 4, 30]) { // near-uniform predictions, confident ones, and saturated ones
      const logits = tf.randomNormal([B, N, V], 0, scale, 'float32', 11) as tf.Tensor3D;
      const fused = await termsAndGrad(spec, tokens, logits, x, true);
      const composite = await termsAndGrad(spec, tokens, logits, x, false);
      for (const k of ['kl', 'is', 'loss', 'elbo'] as const) expect(relativeL2(fused[k], composite[k]), `${k} at logit scale ${scale}`).toBeLessThan(2e-5);
      expect(relativeL2(fused.grad, composite.grad), `gradient at logit scale ${scale}`).toBeLessThan(2e-5);
      logits.dispose();
    }
    x.dispose();
  }, 120_000);

  it('gives the composite terms with a vocabulary longer than a workgroup (V = 260, byte tokens)', async () => {
    await startWebGpu();
    await tf.setBackend('webgpu');
    const tokens: TokenSpace = { vocabSize: 260, maskId: 259, padId: 258 };
    const x = ids(2, 8, 258);
    const logits = tf.randomNormal([2, 8, 260], 0, 3, 'float32', 5) as tf.Tensor3D;
    const fused = await termsAndGrad({ id: 'difflm/hybrid', options: { preset: 'balanced' } } as NoiseSpec, tokens, logits, x, true);
    const composite = await termsAndGrad({ id: 'difflm/hybrid', options: { preset: 'balanced' } } as NoiseSpec, tokens, logits, x, false);
    for (const k of ['kl', 'is', 'elbo'] as const) expect(relativeL2(fused[k], composite[k]), k).toBeLessThan(2e-5);
    expect(relativeL2(fused.grad, composite.grad)).toBeLessThan(2e-5);
    tf.dispose([x, logits]);
  }, 120_000);

  it('a wrong fused kernel would be caught (the comparison can fail)', async () => {
    await startWebGpu();
    await tf.setBackend('webgpu');
    const tokens: TokenSpace = { vocabSize: 37, maskId: 36, padId: null };
    const [B, N, V] = [4, 8, tokens.vocabSize];
    const x = ids(B, N, V);
    const logits = tf.randomNormal([B, N, V], 0, 2, 'float32', 3) as tf.Tensor3D;
    const shifted = tf.tidy(() => tf.add(logits, tf.oneHot(tf.fill([B, N], 3, 'int32'), V).mul(1e-2))) as tf.Tensor3D;
    const fused = await termsAndGrad({ id: 'difflm/uniform' }, tokens, shifted, x, true);
    const composite = await termsAndGrad({ id: 'difflm/uniform' }, tokens, logits, x, false);
    expect(relativeL2(fused.grad, composite.grad)).toBeGreaterThan(1e-4);
    tf.dispose([x, logits, shifted]);
  }, 120_000);
});
