// The native backend's fused GIDD loss (DifflmGiddKlIs, @difflm/noise's loss/fused-loss.ts) against the composite
// graph it replaces, on the same backend and inputs: per-token KL, IS, loss and ELBO, and the gradient with respect
// to the logits, for every built-in noise type, with prompt tokens and with logits far from the data.
import { describe, expect, it } from 'vitest';
import { tf, relativeL2 } from '@difflm/test-utils';
import { createObjective, createRng, fusedLossActive, setFusedLossEnabled, type NoiseSpec, type TokenSpace } from '@difflm/noise';
import { isNativeAvailable, nativeInfo } from './native-info.js';
import { registerNativeKernels } from './register.js';

const available = isNativeAvailable();
const info = nativeInfo();
const title = available ? 'the fused GIDD loss matches the composite graph' : `the fused GIDD loss matches the composite graph (SKIPPED: ${info.available ? '' : info.reason})`;

const tokens: TokenSpace = { vocabSize: 37, maskId: 36, padId: null };
const specs: [string, NoiseSpec][] = [
  ['masked', { id: 'difflm/masked' }],
  ['uniform', { id: 'difflm/uniform' }],
  ['low-uniform (hybrid)', { id: 'difflm/hybrid', options: { preset: 'low-uniform' } }],
  ['balanced (hybrid)', { id: 'difflm/hybrid', options: { preset: 'balanced' } }],
  ['gidd', { id: 'difflm/gidd', options: { pUniform: 0.1 } }],
];

interface Terms { kl: Float32Array; is: Float32Array; loss: Float32Array; elbo: Float32Array; grad: Float32Array }

function termsAndGrad(spec: NoiseSpec, logits: tf.Tensor3D, x: tf.Tensor2D, fused: boolean, seed: number): Terms {
  setFusedLossEnabled(fused);
  try {
    const obj = createObjective(spec, tokens, { promptFraction: 0.3 });
    const batch = obj.corrupt(x, createRng(seed));
    expect(fusedLossActive()).toBe(fused);
    const t = obj.tokenTerms(logits, batch);
    const out = { kl: Float32Array.from(t.kl.dataSync()), is: Float32Array.from(t.is.dataSync()), loss: Float32Array.from(t.loss.dataSync()), elbo: Float32Array.from(t.elbo.dataSync()) };
    tf.dispose([t.kl, t.is, t.loss, t.elbo]);
    const g = tf.grad((lg: tf.Tensor) => obj.loss(lg as tf.Tensor3D, batch).loss)(logits);
    const grad = Float32Array.from(g.dataSync());
    tf.dispose(g);
    batch.dispose();
    return { ...out, grad };
  } finally {
    setFusedLossEnabled(true);
  }
}

/** The largest per-element error of a against b, scaled by b's largest magnitude. */
function maxAbsScaled(a: Float32Array, b: Float32Array): number {
  let worst = 0, scale = 1e-30;
  for (let i = 0; i < b.length; i++) { worst = Math.max(worst, Math.abs(a[i]! - b[i]!)); scale = Math.max(scale, Math.abs(b[i]!)); }
  return worst / scale;
}

describe.skipIf(!available)(title, () => {
  it('runs fused on the native backend and composite on cpu', async () => {
    registerNativeKernels(tf);
    await tf.setBackend('native');
    expect(fusedLossActive()).toBe(true);
    await tf.setBackend('cpu');
    expect(fusedLossActive()).toBe(false);
  });

  it.each(specs)('gives the composite per-token terms and logit gradient: %s', async (_name, spec) => {
    registerNativeKernels(tf);
    await tf.setBackend('native');
    const [B, N, V] = [6, 24, tokens.vocabSize];
    const x = tf.tensor2d(Int32Array.from({ length: B * N }, (_, i) => (i * 7919 + 13) % (V - 1)), [B, N], 'int32');
    for (const scale of [0.5, 4, 30]) { // near-uniform predictions, confident ones, and saturated ones (x̂_x ≈ 0 for some tokens)
      const logits = tf.randomNormal([B, N, V], 0, scale, 'float32', 11) as tf.Tensor3D;
      const fused = termsAndGrad(spec, logits, x, true, 5);
      const composite = termsAndGrad(spec, logits, x, false, 5);
      for (const k of ['kl', 'is', 'loss', 'elbo'] as const) expect(relativeL2(fused[k], composite[k]), `${k} at logit scale ${scale}`).toBeLessThan(2e-5);
      expect(maxAbsScaled(fused.elbo, composite.elbo), `elbo per token at scale ${scale}`).toBeLessThan(1e-4);
      expect(relativeL2(fused.grad, composite.grad), `gradient at logit scale ${scale}`).toBeLessThan(2e-5);
      logits.dispose();
    }
    x.dispose();
  });

  it('a wrong fused kernel would be caught (the comparison can fail)', async () => {
    registerNativeKernels(tf);
    await tf.setBackend('native');
    const [B, N, V] = [4, 16, tokens.vocabSize];
    const x = tf.tensor2d(Int32Array.from({ length: B * N }, (_, i) => (i * 31 + 7) % (V - 1)), [B, N], 'int32');
    const logits = tf.randomNormal([B, N, V], 0, 2, 'float32', 3) as tf.Tensor3D;
    const shifted = tf.tidy(() => tf.add(logits, tf.oneHot(tf.fill([B, N], 3, 'int32'), V).mul(1e-2))) as tf.Tensor3D;
    const fused = termsAndGrad({ id: 'difflm/uniform' }, shifted, x, true, 5);
    const composite = termsAndGrad({ id: 'difflm/uniform' }, logits, x, false, 5);
    expect(relativeL2(fused.grad, composite.grad)).toBeGreaterThan(2e-5);
    tf.dispose([x, logits, shifted]);
  });

  it('rejects token ids outside the vocabulary before reading memory with them', async () => {
    registerNativeKernels(tf);
    await tf.setBackend('native');
    const T = 4, V = 5;
    const run = (x0: number[]) => tf.engine().runKernel('DifflmGiddKlIs', {
      logits: tf.zeros([T, V]), x0: tf.tensor1d(x0, 'int32'), zt: tf.tensor1d([0, 1, 2, 3], 'int32'), alpha: tf.fill([T], 0.5),
      coef: tf.fill([T, 1], 0.5), bases: tf.fill([1, V], 1 / V), qz: tf.fill([T], 0.1),
    }, { maskId: -1, isEpsilon: 1e-12 });
    expect(() => run([0, 1, 2, 99])).toThrow(/x0\[3\] = 99 is not a token id in \[0, 5\)/);
    const ok = run([0, 1, 2, 4]) as tf.Tensor;
    expect(ok.shape).toEqual([2, T]);
    ok.dispose();
  });
});
