// Fused blocks of the paper's transformer (the kernels @difflm/models names DifflmQkNormRope, DifflmAttention,
// DifflmRmsNorm and DifflmBiasSquaredRelu, with their gradients) and the optimizer updates @difflm/trainer names
// DifflmAdamWUpdate and DifflmLaPropUpdate. One call does what the composite graph does in 10–30 kernels, and the
// attention never materialises its transposes, concatenations or per-op intermediates.
//
// Attention layouts (row-major): qkv [B, N, 3H, dh] (q heads, k heads, v heads; q and k after QK-norm and RoPE),
// out [B, N, H, dh],
// sinkK / sinkV [H, dh], probs and gate [B, H, N, N+1] with column 0 the sink, bias [Bb, 1, N, N+1] (Bb = 1 or B).
// gate = scale·(1 − tanh²) is the derivative of the soft-capped logit with respect to the raw score.
#include <cblas.h>
#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <vector>
#include "args.h"
#include "fast-exp.h"
#include "parallel.h"

namespace difflm {

namespace {

/** Run `body` over [0, n) slices on the matrix kernels' threads (OpenBLAS is single-threaded inside each). */
template <class F>
void overSlices(int64_t n, F&& body) {
  parallelForThreads(n, blasThreads(), 4, body);
}

inline float dot(const float* a, const float* b, int64_t n) {
  float s = 0.0f;
#pragma omp simd reduction(+ : s)
  for (int64_t i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

inline void axpy(float alpha, const float* x, float* y, int64_t n) {
#pragma omp simd
  for (int64_t i = 0; i < n; i++) y[i] += alpha * x[i];
}

/**
 * Per-chunk partial sums merged in chunk order, so a gradient summed over rows or slices is the same bits on every
 * run with the same thread count, however the OS schedules the chunks.
 */
class OrderedPartials {
 public:
  explicit OrderedPartials(size_t len) : len_(len) {}
  /** A zeroed partial for the chunk starting at `lo` (call once per chunk). */
  float* chunk(int64_t lo) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<float>& v = parts_[lo];
    v.assign(len_, 0.0f);
    return v.data();
  }
  /** out[i] = Σ over chunks, in chunk order. */
  void sumInto(float* out) const {
    std::fill(out, out + len_, 0.0f);
    for (const auto& kv : parts_) for (size_t i = 0; i < len_; i++) out[i] += kv.second[i];
  }

 private:
  size_t len_;
  std::mutex mu_;
  std::map<int64_t, std::vector<float>> parts_;
};

/** One RMSNorm row: y = x·rstd·(1 + w); returns rstd = 1/√(mean(x²) + eps). */
inline float rmsRow(const float* x, const float* w, float* y, int64_t d, float eps) {
  const float rs = 1.0f / std::sqrt(dot(x, x, d) / static_cast<float>(d) + eps);
#pragma omp simd
  for (int64_t i = 0; i < d; i++) y[i] = x[i] * rs * (1.0f + w[i]);
  return rs;
}

/** The gradient of one RMSNorm row: dx from dy, and dy·x̂ added to dwPart. */
inline void rmsRowBackward(const float* x, const float* w, const float* dy, float rs, int64_t d, float* dx, float* dwPart) {
  float m = 0.0f;
#pragma omp simd reduction(+ : m)
  for (int64_t i = 0; i < d; i++) {
    const float xh = x[i] * rs;
    m += (1.0f + w[i]) * dy[i] * xh;
    dwPart[i] += dy[i] * xh;
  }
  m /= static_cast<float>(d);
#pragma omp simd
  for (int64_t i = 0; i < d; i++) dx[i] = rs * ((1.0f + w[i]) * dy[i] - x[i] * rs * m);
}

}  // namespace

// attentionForward(qkv, sinkK, sinkV, bias | null, biasBatch, out, probs, gate, B, N, H, dh, scale, cap)
Napi::Value AttentionForward(const Napi::CallbackInfo& info) {
  const float* qkv = f32(info, 0);
  const float* sinkK = f32(info, 1);
  const float* sinkV = f32(info, 2);
  const float* bias = info[3].IsNull() ? nullptr : f32(info, 3);
  const int64_t biasBatch = i64(info, 4);
  float* out = f32(info, 5);
  float* probs = f32(info, 6);
  float* gate = f32(info, 7);
  const int64_t B = i64(info, 8), N = i64(info, 9), H = i64(info, 10), dh = i64(info, 11);
  const float scale = num(info, 12), cap = num(info, 13);
  const int64_t ld = 3 * H * dh, ldo = H * dh, cols = N + 1;  // q, k and v rows all have stride 3·H·dh
  const float a = scale / cap;
  overSlices(B * H, [&](int64_t s0, int64_t s1) {
    for (int64_t s = s0; s < s1; s++) {
      const int64_t b = s / H, h = s % H;
      const float* Q = qkv + b * N * ld + h * dh;
      const float* K = Q + H * dh;
      const float* V = K + H * dh;
      float* O = out + b * N * ldo + h * dh;
      float* P = probs + s * N * cols;
      float* G = gate + s * N * cols;
      const float* bb = bias ? bias + (biasBatch == 1 ? 0 : b) * N * cols : nullptr;
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, N, dh, 1.0f, Q, ld, K, ld, 0.0f, P + 1, cols);
      for (int64_t i = 0; i < N; i++) {
        float* p = P + i * cols;
        float* g = G + i * cols;
        p[0] = dot(Q + i * ld, sinkK + h * dh, dh);
        const float* br = bb ? bb + i * cols : nullptr;
#pragma omp simd
        for (int64_t j = 0; j < cols; j++) {
          const float t = fastTanh(p[j] * a);
          g[j] = scale * (1.0f - t * t);
          p[j] = cap * t;
        }
        if (br) {
#pragma omp simd
          for (int64_t j = 0; j < cols; j++) p[j] += br[j];
        }
        softmaxRow(p, p, cols);
      }
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, dh, N, 1.0f, P + 1, cols, V, ld, 0.0f, O, ldo);
      for (int64_t i = 0; i < N; i++) axpy(P[i * cols], sinkV + h * dh, O + i * ldo, dh);
    }
  });
  return info.Env().Undefined();
}

// attentionBackward(qkv, sinkK, sinkV, probs, gate, dOut, dqkv, dSinkK, dSinkV, B, N, H, dh)
Napi::Value AttentionBackward(const Napi::CallbackInfo& info) {
  const float* qkv = f32(info, 0);
  const float* sinkK = f32(info, 1);
  const float* sinkV = f32(info, 2);
  const float* probs = f32(info, 3);
  const float* gate = f32(info, 4);
  const float* dOut = f32(info, 5);
  float* dqkv = f32(info, 6);
  float* dSinkK = f32(info, 7);
  float* dSinkV = f32(info, 8);
  const int64_t B = i64(info, 9), N = i64(info, 10), H = i64(info, 11), dh = i64(info, 12);
  const int64_t ld = 3 * H * dh, ldo = H * dh, cols = N + 1;  // q, k, v and their gradients: stride 3·H·dh
  OrderedPartials sinkK_(static_cast<size_t>(H * dh)), sinkV_(static_cast<size_t>(H * dh));
  overSlices(B * H, [&](int64_t s0, int64_t s1) {
    std::vector<float> dP(static_cast<size_t>(N * cols));
    float* sk = sinkK_.chunk(s0);
    float* sv = sinkV_.chunk(s0);
    for (int64_t s = s0; s < s1; s++) {
      const int64_t b = s / H, h = s % H;
      const float* Q = qkv + b * N * ld + h * dh;
      const float* K = Q + H * dh;
      const float* V = K + H * dh;
      const float* dO = dOut + b * N * ldo + h * dh;
      float* dQ = dqkv + b * N * ld + h * dh;
      float* dK = dQ + H * dh;
      float* dV = dK + H * dh;
      const float* P = probs + s * N * cols;
      const float* G = gate + s * N * cols;
      float* D = dP.data();
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, N, dh, 1.0f, dO, ldo, V, ld, 0.0f, D + 1, cols);
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, N, dh, N, 1.0f, P + 1, cols, dO, ldo, 0.0f, dV, ld);
      for (int64_t i = 0; i < N; i++) {
        float* d = D + i * cols;
        const float* p = P + i * cols;
        const float* g = G + i * cols;
        d[0] = dot(dO + i * ldo, sinkV + h * dh, dh);
        axpy(p[0], dO + i * ldo, sv + h * dh, dh);
        const float rowDot = dot(p, d, cols);
#pragma omp simd
        for (int64_t j = 0; j < cols; j++) d[j] = p[j] * (d[j] - rowDot) * g[j];
        axpy(d[0], Q + i * ld, sk + h * dh, dh);
      }
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, dh, N, 1.0f, D + 1, cols, K, ld, 0.0f, dQ, ld);
      for (int64_t i = 0; i < N; i++) axpy(D[i * cols], sinkK + h * dh, dQ + i * ld, dh);
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, N, dh, N, 1.0f, D + 1, cols, Q, ld, 0.0f, dK, ld);
    }
  });
  sinkK_.sumInto(dSinkK);
  sinkV_.sumInto(dSinkV);
  return info.Env().Undefined();
}

// rmsNormForward(x, w, y, rstd, rows, d, groups, eps): y = x·rstd·(1 + w[row % groups]), rstd = 1/√(mean(x²) + eps)
Napi::Value RmsNormForward(const Napi::CallbackInfo& info) {
  const float* x = f32(info, 0);
  const float* w = f32(info, 1);
  float* y = f32(info, 2);
  float* rstd = f32(info, 3);
  const int64_t rows = i64(info, 4), d = i64(info, 5), groups = i64(info, 6);
  const float eps = num(info, 7);
  parallelFor(rows, (1 << 15) / d + 1, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      rstd[r] = rmsRow(x + r * d, w + (r % groups) * d, y + r * d, d, eps);
    }
  });
  return info.Env().Undefined();
}

// rmsNormBackward(x, w, rstd, dy, dx, dw, rows, d, groups)
Napi::Value RmsNormBackward(const Napi::CallbackInfo& info) {
  const float* x = f32(info, 0);
  const float* w = f32(info, 1);
  const float* rstd = f32(info, 2);
  const float* dy = f32(info, 3);
  float* dx = f32(info, 4);
  float* dw = f32(info, 5);
  const int64_t rows = i64(info, 6), d = i64(info, 7), groups = i64(info, 8);
  OrderedPartials dw_(static_cast<size_t>(groups * d));
  parallelFor(rows, (1 << 15) / d + 1, [&](int64_t r0, int64_t r1) {
    float* part = dw_.chunk(r0);
    for (int64_t r = r0; r < r1; r++) {
      const int64_t g = r % groups;
      rmsRowBackward(x + r * d, w + g * d, dy + r * d, rstd[r], d, dx + r * d, part + g * d);
    }
  });
  dw_.sumInto(dw);
  return info.Env().Undefined();
}

// biasSquaredRelu(x, b, y, rows, cols): y = max(x + b, 0)²
Napi::Value BiasSquaredRelu(const Napi::CallbackInfo& info) {
  const float* x = f32(info, 0);
  const float* bias = f32(info, 1);
  float* y = f32(info, 2);
  const int64_t rows = i64(info, 3), cols = i64(info, 4);
  parallelFor(rows, (1 << 15) / cols + 1, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const float* xr = x + r * cols;
      float* yr = y + r * cols;
#pragma omp simd
      for (int64_t i = 0; i < cols; i++) {
        const float u = xr[i] + bias[i];
        const float p = u > 0.0f ? u : 0.0f;
        yr[i] = p * p;
      }
    }
  });
  return info.Env().Undefined();
}

// biasSquaredReluBackward(x, b, dy, dx, db, rows, cols): dx = dy·2·max(x + b, 0), db = Σ_rows dx
Napi::Value BiasSquaredReluBackward(const Napi::CallbackInfo& info) {
  const float* x = f32(info, 0);
  const float* bias = f32(info, 1);
  const float* dy = f32(info, 2);
  float* dx = f32(info, 3);
  float* db = f32(info, 4);
  const int64_t rows = i64(info, 5), cols = i64(info, 6);
  OrderedPartials db_(static_cast<size_t>(cols));
  parallelFor(rows, (1 << 15) / cols + 1, [&](int64_t r0, int64_t r1) {
    float* part = db_.chunk(r0);
    for (int64_t r = r0; r < r1; r++) {
      const float* xr = x + r * cols;
      const float* dyr = dy + r * cols;
      float* dxr = dx + r * cols;
#pragma omp simd
      for (int64_t i = 0; i < cols; i++) {
        const float u = xr[i] + bias[i];
        const float g = u > 0.0f ? 2.0f * u * dyr[i] : 0.0f;
        dxr[i] = g;
        part[i] += g;
      }
    }
  });
  db_.sumInto(db);
  return info.Env().Undefined();
}

namespace {

/**
 * One pass over a parameter and its two moment arrays: args (param, grad, s1, s2, paramOut, s1Out, s2Out, n, ...);
 * step(p, g, s1, s2, p', s1', s2') updates one element.
 */
template <class Step>
Napi::Value optimizerPass(const Napi::CallbackInfo& info, Step step) {
  const float* p = f32(info, 0);
  const float* g = f32(info, 1);
  const float* s1 = f32(info, 2);
  const float* s2 = f32(info, 3);
  float* po = f32(info, 4);
  float* s1o = f32(info, 5);
  float* s2o = f32(info, 6);
  parallelFor(i64(info, 7), 1 << 16, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; i++) step(p[i], g[i], s1[i], s2[i], po[i], s1o[i], s2o[i]);
  });
  return info.Env().Undefined();
}

}  // namespace

// adamwUpdate(param, grad, m, v, paramOut, mOut, vOut, n, beta1, beta2, c1, c2, epsilon, lr, weightDecay)
Napi::Value AdamWUpdate(const Napi::CallbackInfo& info) {
  const float b1 = num(info, 8), b2 = num(info, 9), c1 = num(info, 10), c2 = num(info, 11), eps = num(info, 12);
  const float lr = num(info, 13), wd = num(info, 14);
  return optimizerPass(info, [=](float p, float g, float m, float v, float& po, float& mo, float& vo) {
    mo = m * b1 + g * (1.0f - b1);
    vo = v * b2 + g * g * (1.0f - b2);
    po = p - ((mo / c1) / (std::sqrt(vo / c2) + eps) + p * wd) * lr;
  });
}

// lapropUpdate(param, grad, m, nu, paramOut, mOut, nuOut, n, beta1, beta2, epsilon, lr, weightDecay)
Napi::Value LaPropUpdate(const Napi::CallbackInfo& info) {
  const float b1 = num(info, 8), b2 = num(info, 9), eps = num(info, 10), lr = num(info, 11), wd = num(info, 12);
  return optimizerPass(info, [=](float p, float g, float m, float nu, float& po, float& mo, float& nuo) {
    nuo = nu * b2 + g * g * (1.0f - b2);
    mo = m * b1 + (g / (std::sqrt(nuo) + eps)) * (1.0f - b1);
    po = p - (mo + p * wd) * lr;
  });
}

// QK-norm and RoPE on the fused projection (the DifflmQkNormRope kernel). qkv and y are [rows, 3d] with rows = B·N
// (position n = row mod N), d = H·dh: y's q and k thirds are RMSNorm(x)·(1 + w[g]) rotated by RoPE (NeoX halves;
// sin carries the half-rotation's sign), its v third is a copy. rstd [rows, 2] is saved for the gradient.

// qkNormRopeForward(qkv, w, cos, sin, y, rstd, rows, N, H, dh, eps)
Napi::Value QkNormRopeForward(const Napi::CallbackInfo& info) {
  const float* qkv = f32(info, 0);
  const float* w = f32(info, 1);
  const float* cosT = f32(info, 2);
  const float* sinT = f32(info, 3);
  float* y = f32(info, 4);
  float* rstd = f32(info, 5);
  const int64_t rows = i64(info, 6), N = i64(info, 7), H = i64(info, 8), dh = i64(info, 9);
  const float eps = num(info, 10);
  const int64_t d = H * dh, half = dh / 2;
  parallelFor(rows, (1 << 14) / d + 1, [&](int64_t r0, int64_t r1) {
    std::vector<float> t(static_cast<size_t>(d));
    for (int64_t r = r0; r < r1; r++) {
      const float* c = cosT + (r % N) * dh;
      const float* s = sinT + (r % N) * dh;
      for (int64_t g = 0; g < 2; g++) {
        rstd[r * 2 + g] = rmsRow(qkv + r * 3 * d + g * d, w + g * d, t.data(), d, eps);
        for (int64_t h = 0; h < H; h++) {
          const float* th = t.data() + h * dh;
          float* o = y + r * 3 * d + g * d + h * dh;
#pragma omp simd
          for (int64_t i = 0; i < half; i++) o[i] = th[i] * c[i] + th[i + half] * s[i];
#pragma omp simd
          for (int64_t i = half; i < dh; i++) o[i] = th[i] * c[i] + th[i - half] * s[i];
        }
      }
      std::copy(qkv + r * 3 * d + 2 * d, qkv + (r + 1) * 3 * d, y + r * 3 * d + 2 * d);
    }
  });
  return info.Env().Undefined();
}

// qkNormRopeBackward(qkv, w, rstd, cos, sin, dy, dqkv, dw, rows, N, H, dh)
Napi::Value QkNormRopeBackward(const Napi::CallbackInfo& info) {
  const float* qkv = f32(info, 0);
  const float* w = f32(info, 1);
  const float* rstd = f32(info, 2);
  const float* cosT = f32(info, 3);
  const float* sinT = f32(info, 4);
  const float* dy = f32(info, 5);
  float* dqkv = f32(info, 6);
  float* dw = f32(info, 7);
  const int64_t rows = i64(info, 8), N = i64(info, 9), H = i64(info, 10), dh = i64(info, 11);
  const int64_t d = H * dh, half = dh / 2;
  OrderedPartials dw_(static_cast<size_t>(2 * d));
  parallelFor(rows, (1 << 14) / d + 1, [&](int64_t r0, int64_t r1) {
    std::vector<float> t(static_cast<size_t>(d));
    float* part = dw_.chunk(r0);
    for (int64_t r = r0; r < r1; r++) {
      const float* c = cosT + (r % N) * dh;
      const float* s = sinT + (r % N) * dh;
      for (int64_t g = 0; g < 2; g++) {
        const float* x = qkv + r * 3 * d + g * d;
        const float* dyg = dy + r * 3 * d + g * d;
        const float* wg = w + g * d;
        float* pg = part + g * d;
        float* dx = dqkv + r * 3 * d + g * d;
        // RoPE's transpose: dt[k] = dy[k]·cos[k] + dy[σ(k)]·sin[σ(k)], σ swapping the halves.
        for (int64_t h = 0; h < H; h++) {
          const float* dh_ = dyg + h * dh;
          float* th = t.data() + h * dh;
#pragma omp simd
          for (int64_t k = 0; k < half; k++) th[k] = dh_[k] * c[k] + dh_[k + half] * s[k + half];
#pragma omp simd
          for (int64_t k = half; k < dh; k++) th[k] = dh_[k] * c[k] + dh_[k - half] * s[k - half];
        }
        rmsRowBackward(x, wg, t.data(), rstd[r * 2 + g], d, dx, pg);
      }
      std::copy(dy + r * 3 * d + 2 * d, dy + (r + 1) * 3 * d, dqkv + r * 3 * d + 2 * d);
    }
  });
  dw_.sumInto(dw);
  return info.Env().Undefined();
}

}  // namespace difflm

namespace difflm {

// embeddingBackward(ids, dy, dTable, M, d, V): dTable[v] = Σ over m with ids[m] = v of dy[m], rows added in m order
// (the gradient of a row lookup; callers checked 0 ≤ ids[m] < V).
Napi::Value EmbeddingBackward(const Napi::CallbackInfo& info) {
  const int32_t* ids = info[0].As<Napi::Int32Array>().Data();
  const float* dy = f32(info, 1);
  float* out = f32(info, 2);
  const int64_t M = i64(info, 3), d = i64(info, 4), V = i64(info, 5);
  std::fill(out, out + V * d, 0.0f);
  for (int64_t m = 0; m < M; m++) axpy(1.0f, dy + m * d, out + static_cast<int64_t>(ids[m]) * d, d);
  return info.Env().Undefined();
}

// sumSquares(x, n) → Σ x[i]² accumulated in double, in index order.
Napi::Value SumSquares(const Napi::CallbackInfo& info) {
  const float* x = f32(info, 0);
  const int64_t n = i64(info, 1);
  double s = 0.0;
  for (int64_t i = 0; i < n; i++) s += static_cast<double>(x[i]) * static_cast<double>(x[i]);
  return Napi::Number::New(info.Env(), s);
}

}  // namespace difflm
