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

/** Softmax of one row, max-subtracted so exp never overflows; out may be x (in place). */
inline void softmaxRow(const float* x, float* out, int64_t cols) {
  float m = x[0];
  for (int64_t i = 1; i < cols; i++) m = x[i] > m ? x[i] : m;
  for (int64_t i = 0; i < cols; i++) out[i] = fastExp(x[i] - m);
  float s = 0.0f;
#pragma omp simd reduction(+ : s)
  for (int64_t i = 0; i < cols; i++) s += out[i];
  const float inv = 1.0f / s;
  for (int64_t i = 0; i < cols; i++) out[i] *= inv;
}

}  // namespace difflm
