// Branch-free float exp (Cephes expf: range reduction by ln 2, degree-5 polynomial, ~1 ulp) written so the
// compiler vectorises loops over it; exp of x < −87.3 is exactly 0, as a softmax over −1e9 logit biases needs.
#pragma once
#include <cstdint>
#include <cstring>
#include <cmath>

namespace difflm {

inline float fastExp(float x) {
  const float lo = x < -87.3f ? -87.3f : x;
  const float xc = lo > 88.7f ? 88.7f : lo;
  const float n = std::floor(xc * 1.44269504088896341f + 0.5f);
  float r = xc - n * 0.693359375f;
  r = r + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float y = p * r * r + r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  const float out = x < -87.3f ? 0.0f : y * scale;
  return x != x ? x : out;
}

/**
 * Branch-free float log for x > 0 (Cephes logf: mantissa in [√½, √2), degree-8 polynomial, ~1 ulp), vectorisable;
 * NaN and +Inf pass through, x ≤ 0 is the caller's to avoid (the loss adds float32 tiny first).
 */
inline float fastLog(float x) {
  int32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  int32_t e = ((bits >> 23) & 0xff) - 126;
  bits = (bits & 0x807fffff) | 0x3f000000;
  float m;
  std::memcpy(&m, &bits, sizeof m);
  const bool low = m < 0.707106781186547524f;
  e = low ? e - 1 : e;
  m = low ? m + m - 1.0f : m - 1.0f;
  const float z = m * m;
  float y = 7.0376836292e-2f;
  y = y * m - 1.1514610310e-1f;
  y = y * m + 1.1676998740e-1f;
  y = y * m - 1.2420140846e-1f;
  y = y * m + 1.4249322787e-1f;
  y = y * m - 1.6668057665e-1f;
  y = y * m + 2.0000714765e-1f;
  y = y * m - 2.4999993993e-1f;
  y = y * m + 3.3333331174e-1f;
  y = y * m * z;
  const float fe = static_cast<float>(e);
  y += -2.12194440e-4f * fe;
  y += -0.5f * z;
  float r = m + y;
  r += 0.693359375f * fe;
  const bool special = !(x < 3.4028234663852886e38f);  // NaN or +Inf
  return special ? x : r;
}

/** tanh via exp(−2|x|): sign(x)·(1 − t)/(1 + t), and its odd Taylor series below |x| = 0.1 where 1 − t cancels. */
inline float fastTanh(float x) {
  const float ax = x < 0.0f ? -x : x;
  const float t = fastExp(-2.0f * ax);
  const float big = (1.0f - t) / (1.0f + t);
  const float x2 = ax * ax;
  const float small = ax * (1.0f + x2 * (-1.0f / 3 + x2 * (2.0f / 15 + x2 * (-17.0f / 315))));
  const float y = ax < 0.1f ? small : big;
  return x < 0.0f ? -y : y;
}

/**
 * The largest of x[0..cols): 16 independent running maxima, so the loop is not one long chain of dependent compares
 * (a row of 260 took ~1000 cycles that way). Max is exact in any order, so the result is the sequential loop's on
 * every input without NaN.
 */
inline float rowMax(const float* x, int64_t cols) {
  constexpr int64_t W = 16;
  if (cols < W) {
    float m = x[0];
    for (int64_t i = 1; i < cols; i++) m = x[i] > m ? x[i] : m;
    return m;
  }
  float acc[W];
  for (int64_t k = 0; k < W; k++) acc[k] = x[k];
  int64_t i = W;
  for (; i + W <= cols; i += W) {
#pragma omp simd
    for (int64_t k = 0; k < W; k++) acc[k] = x[i + k] > acc[k] ? x[i + k] : acc[k];
  }
  for (; i < cols; i++) acc[0] = x[i] > acc[0] ? x[i] : acc[0];
  float m = acc[0];
  for (int64_t k = 1; k < W; k++) m = acc[k] > m ? acc[k] : m;
  return m;
}

/** Softmax of one row, max-subtracted so exp never overflows; out may be x (in place). */
inline void softmaxRow(const float* x, float* out, int64_t cols) {
  const float m = rowMax(x, cols);
  for (int64_t i = 0; i < cols; i++) out[i] = fastExp(x[i] - m);
  float s = 0.0f;
#pragma omp simd reduction(+ : s)
  for (int64_t i = 0; i < cols; i++) s += out[i];
  const float inv = 1.0f / s;
  for (int64_t i = 0; i < cols; i++) out[i] *= inv;
}

}  // namespace difflm
