// The GIDD loss per token (the DifflmGiddKlIs kernel @difflm/noise names; its contract is in the noise package's
// loss/fused-loss.ts): softmax, the marginals q_λ(x) and q_λ(x̂), the KL and IS divergences, and their gradient with
// respect to the logits, one row of V logits at a time instead of ~40 element-wise passes over [B, N, V].
// The arithmetic follows the composite graph (loss/diffusion-loss.ts) step for step, in float32.
#include <vector>
#include "args.h"
#include "fast-exp.h"
#include "parallel.h"

namespace difflm {

namespace {

constexpr float kTiny = 1.1754943508222875e-38f;  // float32 tiny: safe_log's floor (SPEC §1.4)

/** g(r) = r − log(1 + r), with a 4-term series for |r| ≤ 0.01 where r − log1p(r) cancels in float32. */
inline float gTerm(float r, float logOnePlusR) {
  const float rs = r < -0.01f ? -0.01f : (r > 0.01f ? 0.01f : r);
  const float series = rs * rs * (0.5f + rs * (-1.0f / 3 + rs * (0.25f + rs * -0.2f)));
  const float ar = r < 0.0f ? -r : r;
  return ar <= 0.01f ? series : r - logOnePlusR;
}

struct Inputs {
  const float* logits;
  const int32_t* x0;
  const int32_t* zt;
  const float* alpha;
  const float* coef;   // [T, K]
  const float* bases;  // [K, V]
  const float* qz;
  int64_t T, V, K;
  int maskId;
  float eps;
};

/** The seven input arrays (arguments 0–6) and the scalars T, V, K, maskId, eps from argument `scalars` on. */
Inputs readInputs(const Napi::CallbackInfo& info, size_t scalars) {
  return Inputs{f32(info, 0), info[1].As<Napi::Int32Array>().Data(), info[2].As<Napi::Int32Array>().Data(), f32(info, 3), f32(info, 4), f32(info, 5), f32(info, 6),
                i64(info, scalars), i64(info, scalars + 1), i64(info, scalars + 2), static_cast<int>(i64(info, scalars + 3)), num(info, scalars + 4)};
}

/** x̂ = softmax(logits + mask bias) and σ(−λ)·π_λ of token t into xhat, bp (both V long). */
inline void prepareRow(const Inputs& in, int64_t t, float* xhat, float* bp) {
  const int64_t V = in.V, K = in.K;
  const float* lg = in.logits + t * V;
  for (int64_t v = 0; v < V; v++) xhat[v] = lg[v];
  if (in.maskId >= 0 && in.maskId < V) xhat[in.maskId] += -1e6f;
  softmaxRow(xhat, xhat, V);
  const float* c = in.coef + t * K;
  for (int64_t v = 0; v < V; v++) bp[v] = 0.0f;
  for (int64_t k = 0; k < K; k++) {
    const float ck = c[k];
    const float* b = in.bases + k * V;
#pragma omp simd
    for (int64_t v = 0; v < V; v++) bp[v] += ck * b[v];
  }
}

/** Unpack the validated index of token t (callers checked 0 ≤ id < V). */
inline int idAt(const int32_t* ids, int64_t t) { return static_cast<int>(ids[t]); }

/** body(t, x̂, σ(−λ)·π, α, x, z) for every token, in parallel, with per-chunk row buffers. */
template <typename F>
void forEachRow(const Inputs& in, F&& body) {
  parallelFor(in.T, (1 << 14) / in.V + 1, [&](int64_t t0, int64_t t1) {
    std::vector<float> buf(static_cast<size_t>(2 * in.V));
    float* xhat = buf.data();
    float* bp = xhat + in.V;
    for (int64_t t = t0; t < t1; t++) {
      prepareRow(in, t, xhat, bp);
      body(t, xhat, bp, in.alpha[t], idAt(in.x0, t), idAt(in.zt, t));
    }
  });
}

}  // namespace

// giddKlIsForward(logits, x0, zt, alpha, coef, bases, qz, kl, is, T, V, K, maskId, eps)
Napi::Value GiddKlIsForward(const Napi::CallbackInfo& info) {
  const Inputs in = readInputs(info, 9);
  float* klOut = f32(info, 7);
  float* isOut = f32(info, 8);
  const int64_t V = in.V;
  forEachRow(in, [&](int64_t t, const float* xhat, const float* bp, float a, int x, int z) {
    float kl = 0.0f;
#pragma omp simd reduction(+ : kl)
    for (int64_t v = 0; v < V; v++) {
      const float ex = v == x ? a : 0.0f;
      const float q = bp[v] + ex;
      const float ax = a * xhat[v];
      const float d = ax - ex;
      const float p = ax + bp[v];
      const float onSupport = q * gTerm(d / (q + kTiny), fastLog(p + kTiny) - fastLog(q + kTiny));
      kl += q > 0.0f ? onSupport : p;
    }
    const float exz = z == x ? a : 0.0f;
    const float pz = a * xhat[z] + bp[z];
    const float dz = a * xhat[z] - exz;
    const float pzEps = pz + in.eps;
    const float ratioMinus1 = (-dz - in.eps) / pzEps;
    const float qz = in.qz[t];
    const float is = gTerm(ratioMinus1, fastLog(qz + kTiny) - fastLog(pzEps + kTiny)) - (fastLog(pzEps + kTiny) - fastLog(pz + kTiny));
    klOut[t] = kl;
    isOut[t] = is;
  });
  return info.Env().Undefined();
}

// giddKlIsBackward(logits, x0, zt, alpha, coef, bases, qz, dyKl, dyIs, dLogits, T, V, K, maskId, eps):
// ∂/∂logit_j = x̂_j·(G_j − Σ_v x̂_v·G_v) with G_v = −dyKl·α·q_v/p_v + [v = z]·dyIs·α·(1/p_z − q_z/(p_z + ε)²).
Napi::Value GiddKlIsBackward(const Napi::CallbackInfo& info) {
  const Inputs in = readInputs(info, 10);
  const float* dyKl = f32(info, 7);
  const float* dyIs = f32(info, 8);
  float* dl = f32(info, 9);
  const int64_t V = in.V;
  forEachRow(in, [&](int64_t t, const float* xhat, const float* bp, float a, int x, int z) {
    const float pz = a * xhat[z] + bp[z];
    const float pzEps = pz + in.eps;
    const float qz = in.qz[t];
    const float root = pzEps + kTiny;
    const float isSlope = a * (1.0f / (pz + kTiny) - qz / (root * root));
    const float gKl = -(a * dyKl[t]);
    const float gz = dyIs[t] * isSlope;
    float* out = dl + t * V;
    float s = 0.0f;
#pragma omp simd reduction(+ : s)
    for (int64_t v = 0; v < V; v++) {
      const float ex = v == x ? a : 0.0f;
      const float q = bp[v] + ex;
      const float p = a * xhat[v] + bp[v];
      const float g = gKl * (q / (p + kTiny)) + (v == z ? gz : 0.0f);
      const float gx = xhat[v] * g;
      out[v] = gx;
      s += gx;
    }
#pragma omp simd
    for (int64_t v = 0; v < V; v++) out[v] -= xhat[v] * s;
  });
  return info.Env().Undefined();
}

}  // namespace difflm
