// The GIDD loss on tensors (SPEC §1.1, §1.4): per noisy token
//   ℓ = w·(KL(q_λ(x) ‖ q_λ(x̂)) + β_IS·D_IS(q_λ(x)_z ‖ q_λ(x̂)_z)),  elbo = (w/p(λ))·(KL + D_IS),
// with q_λ(x̂) = σ(λ)·x̂ + σ(−λ)·π_λ and x̂ = softmax(logits), mask logit forced to −1e6.
// Differentiable w.r.t. the logits on every backend: no gather (one-hot products instead), no matMul
// transpose flags, and an analytic gradient (tf.customGrad) so the backward pass is a few element-wise
// passes instead of replaying ~30 saved [B, N, V] intermediates.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import type { NoiseProcess } from '../noise-type.js';
import type { WeightSettings } from '../token-math.js';
import { hostTokenWeights, type HostTokenWeights } from './host-token-weights.js';
import { fusedKlIs, fusedLossActive } from './fused-loss.js';
import { canReadSync } from '../sync-read.js';
import { hostValues } from '../host-values.js';

/** float32 tiny: the floor of [E] `safe_log` (SPEC §1.4) so that 0·log 0 terms stay 0. */
const TINY_F32 = 1.1754943508222875e-38;

export interface LossSettings extends WeightSettings {
  readonly betaIS: number;
  readonly aggregation: 'sum' | 'mean';
  /** ε in the IS ratio q/(p + ε) (SPEC §1.4: 1e−12, [E] `loss.py`). */
  readonly isEpsilon: number;
  /** Throw when a token's loss is not finite (NaN/Inf logits). Costs one [B, N] read-back. */
  readonly checkFinite: boolean;
}

export interface LossInputs {
  readonly x0: Tensor2D;
  readonly zt: Tensor2D;
  readonly logSnr: Tensor2D;
}

/** Per-token terms, all [B, N]; the caller owns them. */
export interface TokenTerms {
  readonly loss: Tensor2D;
  readonly elbo: Tensor2D;
  /** Surrogate-weighted KL and IS parts (w·KL, w·IS). */
  readonly kl: Tensor2D;
  readonly is: Tensor2D;
}

/**
 * g(r) = r − log(1 + r) ≥ 0, the summand of both divergences: KL = Σ_v q_v·g((p_v − q_v)/q_v) (up to Σ_v(p_v − q_v),
 * which is 0 for a softmax) and D_IS = g(ratio − 1). For |r| < 0.01 a 4-term series avoids the float32
 * cancellation of r − log1p(r); elsewhere logOnePlusR is passed in as a difference of logs, which is accurate
 * when p and q differ. Both branches stay finite, so gradients through tf.where are finite too.
 */
function gTerm(r: tf.Tensor, logOnePlusR: tf.Tensor): tf.Tensor {
  const rs = tf.clipByValue(r, -0.01, 0.01);
  const series = tf.mul(tf.square(rs), tf.add(0.5, tf.mul(rs, tf.add(-1 / 3, tf.mul(rs, tf.add(0.25, tf.mul(rs, -0.2))))))); // r²(1/2 − r/3 + r²/4 − r³/5)
  // greaterEqual, not less: tfjs registers a (zero) gradient for GreaterEqual only, so this stays safe even when
  // recorded on a gradient tape (inside the customGrad forward below it is not).
  return tf.where(tf.greaterEqual(0.01, tf.abs(r)), series, tf.sub(r, logOnePlusR));
}

/**
 * log(v + tiny) for v >= 0: [E] `safe_log` (SPEC §1.4) without its max(), which is ~6× slower than add on the
 * wasm backend; v + tiny = v for every v > 1e−31, so only exact zeros change (log 0 → log tiny).
 */
const safeLog = (v: tf.Tensor): tf.Tensor => tf.log(tf.add(v, TINY_F32));

/** One-hot as float32: int32 one-hot then cast (float32 oneHot is wrong on wasm). */
function oneHotF32(ids: Tensor2D, V: number): tf.Tensor3D {
  return tf.cast(tf.oneHot(tf.cast(ids, 'int32'), V, 1, 0, 'int32'), 'float32') as tf.Tensor3D;
}

/** The process's base distributions as one row-major [K, V] float32 array. */
function basesMatrix(process: NoiseProcess): Float32Array {
  const V = process.vocabSize;
  const out = new Float32Array(process.bases.length * V);
  process.bases.forEach((b, k) => out.set(b.probs, k * V));
  return out;
}

/** q_λ(x) = σ(λ)·onehot(x) + σ(−λ)·Σ_k c_k(λ)·base_k as tensors (SPEC §1.2); π via one [B·N, K]×[K, V] matMul. */
function marginalParts(process: NoiseProcess, host: HostTokenWeights, x0: Tensor2D, B: number, N: number): { alpha: tf.Tensor3D; alphaEx: tf.Tensor3D; betaPi: tf.Tensor3D; q: tf.Tensor3D } {
  const V = process.vocabSize, K = process.bases.length;
  const alpha = tf.tensor3d(host.alpha, [B, N, 1]); // [B, N, 1]
  const betaPi = tf.reshape(tf.matMul(tf.tensor2d(host.betaCoefficients, [B * N, K]), tf.tensor2d(basesMatrix(process), [K, V])), [B, N, V]); // σ(−λ)·π_λ, [B, N, V]
  const alphaEx = tf.mul(alpha, oneHotF32(x0, V)) as tf.Tensor3D; // σ(λ)·onehot(x), [B, N, V]
  return { alpha, alphaEx, betaPi: betaPi as tf.Tensor3D, q: tf.add(alphaEx, betaPi) as tf.Tensor3D };
}

/** The marginal q_λ(·|x) per token, float32 [B, N, V] (caller owns it). z is not needed; pass x for it. */
export function marginalProbs(process: NoiseProcess, settings: WeightSettings, x0: Tensor2D, logSnr: Tensor2D): tf.Tensor3D {
  const [B, N] = x0.shape;
  const xs = hostValues(x0);
  const host = hostTokenWeights(process, settings, xs, xs, hostValues(logSnr), null);
  return tf.tidy(() => marginalParts(process, host, x0, B, N).q);
}

/** Per-token loss terms of logits [B, N, V] on a corrupted batch. */
export function tokenTerms(process: NoiseProcess, settings: LossSettings, maskId: number | null, logits: Tensor3D, batch: LossInputs): TokenTerms {
  const [B, N, V] = logits.shape;
  if (V !== process.vocabSize) throw new Error(`loss: logits have V = ${V} but the noise process has vocabSize ${process.vocabSize}`);
  if (batch.zt.shape[0] !== B || batch.zt.shape[1] !== N) throw new Error(`loss: logits [${B}, ${N}, ${V}] do not match the batch [${batch.zt.shape.join(', ')}]`);
  const host = hostTokenWeights(process, settings, hostValues(batch.x0), hostValues(batch.zt), hostValues(batch.logSnr), maskId);
  const maskBias = new Float32Array(V);
  if (maskId !== null) maskBias[maskId] = -1e6; // SPEC §1.1: the model never predicts the mask as data
  return tf.tidy(() => {
    const qz = tf.tensor2d(host.qAtZ, [B, N]); // [B, N]
    const klIsFn = (lg: tf.Tensor, save: tf.GradSaveFunc): { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor } => {
      const fwd = tf.tidy(() => {
        const { alpha, alphaEx, betaPi, q } = marginalParts(process, host, batch.x0, B, N); // [B, N, 1], [B, N, V] ×3
        const xhat = tf.softmax(tf.add(lg, tf.tensor1d(maskBias))); // [B, N, V]
        const alphaXhat = tf.mul(alpha, xhat); // [B, N, V]
        const d = tf.sub(alphaXhat, alphaEx); // p − q = α(x̂ − onehot(x)), formed without q, [B, N, V]
        // p = α·x̂ + σ(−λ)·π as a sum of non-negative terms, not q + d: at v = x that would be α − α(1 − x̂_x), which
        // cancels in float32 when x̂_x ≲ 1e−5 (and gives p = 0, log p = log tiny, q/p ≈ 1e37 once x̂_x ≲ 6e−8).
        const p = tf.add(alphaXhat, betaPi); // q_λ(x̂), [B, N, V]
        // KL = Σ_{q>0} q·g(d/q) + Σ_{q=0} p: the first sum adds Σ_{q>0} d = −Σ_{q=0} p, the second takes it back.
        const klOnSupport = tf.mul(q, gTerm(tf.div(d, tf.add(q, TINY_F32)), tf.sub(safeLog(p), safeLog(q)))); // [B, N, V]
        const kl = tf.sum(tf.where(tf.greater(q, 0), klOnSupport, p), -1); // [B, N]
        const ez = oneHotF32(batch.zt, V); // [B, N, V]
        const pz = tf.sum(tf.mul(p, ez), -1); // [B, N]
        const dz = tf.sum(tf.mul(d, ez), -1); // [B, N]
        // D_IS = ratio − log(q/p) − 1 with ratio = q/(p + ε) (SPEC §1.4; ε only in the ratio, as in [E], fixtures
        // README D3) = g(ratio − 1) − log((p + ε)/p), with ratio − 1 = (q − p − ε)/(p + ε) formed without cancellation.
        const pzEps = tf.add(pz, settings.isEpsilon);
        const ratioMinus1 = tf.div(tf.sub(tf.neg(dz), settings.isEpsilon), pzEps);
        const is = tf.sub(gTerm(ratioMinus1, tf.sub(safeLog(qz), safeLog(pzEps))), tf.sub(safeLog(pzEps), safeLog(pz))); // [B, N]
        // Saved for the analytic gradient: ∂KL/∂x̂_v = −α·q_v/p_v and ∂IS/∂x̂_z = α·(1/p_z − q_z/(p_z + ε)²).
        const qOverP = tf.div(q, tf.add(p, TINY_F32)); // [B, N, V]
        const isSlope = tf.mul(tf.squeeze(alpha, [2]), tf.sub(tf.div(1, tf.add(pz, TINY_F32)), tf.div(qz, tf.square(tf.add(pzEps, TINY_F32))))); // [B, N]
        return { value: tf.stack([kl, is]), xhat, qOverP, alpha, ez, isSlope };
      });
      save([fwd.xhat, fwd.qOverP, fwd.alpha, fwd.ez, fwd.isSlope]);
      return {
        value: fwd.value, // [2, B, N]: KL and IS per token
        // Chain rule through the softmax: ∂/∂logit_j = x̂_j·(G_j − Σ_v x̂_v·G_v), G = ∂(dy_KL·KL + dy_IS·IS)/∂x̂.
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [xhat, qOverP, alpha, ez, isSlope] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor2D];
          const [dyKl, dyIs] = tf.unstack(dy); // [B, N] each
          const g = tf.add(tf.mul(tf.neg(tf.mul(alpha, tf.expandDims(dyKl!, 2))), qOverP), tf.mul(tf.expandDims(tf.mul(dyIs!, isSlope), 2), ez)); // [B, N, V]
          const gx = tf.mul(xhat, g); // [B, N, V]
          return tf.sub(gx, tf.mul(xhat, tf.sum(gx, -1, true))); // [B, N, V]
        },
      };
    };
    let kl: Tensor2D, is: Tensor2D;
    if (fusedLossActive()) {
      // The same function as one kernel pair on backends that implement it (fused-loss.ts).
      const T = B * N, K = process.bases.length;
      const klIs = fusedKlIs(tf.reshape(logits, [T, V]), {
        x0: tf.cast(tf.reshape(batch.x0, [T]), 'int32') as tf.Tensor1D, zt: tf.cast(tf.reshape(batch.zt, [T]), 'int32') as tf.Tensor1D,
        alpha: tf.tensor1d(host.alpha), coef: tf.tensor2d(host.betaCoefficients, [T, K]), bases: tf.tensor2d(basesMatrix(process), [K, V]), qz: tf.tensor1d(host.qAtZ),
      }, { maskId: maskId ?? -1, isEpsilon: settings.isEpsilon });
      [kl, is] = tf.unstack(tf.reshape(klIs, [2, B, N])) as [Tensor2D, Tensor2D];
    } else {
      const klIs = tf.customGrad(klIsFn as unknown as Parameters<typeof tf.customGrad>[0]);
      [kl, is] = tf.unstack(klIs(logits)) as [Tensor2D, Tensor2D]; // [B, N] each
    }
    const wl = tf.tensor2d(host.lossWeight, [B, N]), we = tf.tensor2d(host.elboWeight, [B, N]);
    const terms = {
      loss: tf.mul(wl, tf.add(kl, tf.mul(is, settings.betaIS))) as Tensor2D,
      elbo: tf.mul(we, tf.add(kl, is)) as Tensor2D,
      kl: tf.mul(wl, kl) as Tensor2D,
      is: tf.mul(wl, is) as Tensor2D,
    };
    if (settings.checkFinite && canReadSync()) {
      const bad = tf.any(tf.logicalNot(tf.isFinite(tf.add(kl, is)))).dataSync()[0];
      if (bad) throw new Error('loss: logits contain NaN or Inf (the KL/IS terms are not finite); check the model output and the learning rate');
    }
    return terms;
  });
}

/** Aggregate per-token terms over the noisy tokens (SPEC §1.4: sum or mean; metrics in nats per noisy token). */
export function aggregateTerms(terms: TokenTerms, noiseMask: Tensor2D, aggregation: 'sum' | 'mean'): { loss: tf.Scalar; elbo: tf.Scalar; kl: tf.Scalar; is: tf.Scalar; numNoisy: tf.Scalar } {
  return tf.tidy(() => {
    const numNoisy = tf.sum(noiseMask);
    const denom = tf.maximum(numNoisy, 1); // max(Σmask, 1): an all-prompt batch gives 0, not NaN (SPEC §1.4)
    const total = (t: Tensor2D): tf.Scalar => tf.sum(tf.mul(t, noiseMask));
    const lossSum = total(terms.loss);
    return {
      loss: (aggregation === 'sum' ? lossSum : tf.div(lossSum, denom)) as tf.Scalar,
      elbo: tf.div(total(terms.elbo), denom) as tf.Scalar,
      kl: tf.div(total(terms.kl), denom) as tf.Scalar,
      is: tf.div(total(terms.is), denom) as tf.Scalar,
      numNoisy: numNoisy as tf.Scalar,
    };
  });
}
