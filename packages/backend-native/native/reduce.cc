// Reductions (sum, max, min, mean) over a contiguous inner block (x viewed as [outer, inner] → [outer]) or over
// the leading axis (x viewed as [outer, inner] → [inner]); other axis patterns are transposed first in JS.
#include <cmath>
#include <limits>
#include "args.h"
#include "parallel.h"

namespace difflm {

namespace {
enum Op { kSum = 0, kMax = 1, kMin = 2, kMean = 3 };

inline float reduceRow(int op, const float* x, int64_t n) {
  if (op == kSum || op == kMean) {
    float s = 0.0f;
#pragma omp simd reduction(+ : s)
    for (int64_t i = 0; i < n; i++) s += x[i];
    return op == kMean ? s / static_cast<float>(n) : s;
  }
  float m = x[0];
  bool nan = false;
  if (op == kMax) {
    for (int64_t i = 0; i < n; i++) { nan |= std::isnan(x[i]); m = x[i] > m ? x[i] : m; }
  } else {
    for (int64_t i = 0; i < n; i++) { nan |= std::isnan(x[i]); m = x[i] < m ? x[i] : m; }
  }
  return nan ? NAN : m;
}
}  // namespace

// reduceInner(op, x, out, outer, inner)
Napi::Value ReduceInner(const Napi::CallbackInfo& info) {
  const int op = static_cast<int>(i64(info, 0));
  const float* x = f32(info, 1);
  float* o = f32(info, 2);
  const int64_t outer = i64(info, 3), inner = i64(info, 4);
  parallelFor(outer, inner >= (1 << 16) ? 1 : (1 << 16) / inner, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) o[r] = reduceRow(op, x + r * inner, inner);
  });
  return info.Env().Undefined();
}

// reduceOuter(op, x, out, outer, inner)
Napi::Value ReduceOuter(const Napi::CallbackInfo& info) {
  const int op = static_cast<int>(i64(info, 0));
  const float* x = f32(info, 1);
  float* o = f32(info, 2);
  const int64_t outer = i64(info, 3), inner = i64(info, 4);
  for (int64_t j = 0; j < inner; j++) o[j] = x[j];
  for (int64_t r = 1; r < outer; r++) {
    const float* xr = x + r * inner;
    if (op == kSum || op == kMean) {
      for (int64_t j = 0; j < inner; j++) o[j] += xr[j];
    } else if (op == kMax) {
      for (int64_t j = 0; j < inner; j++) o[j] = (xr[j] > o[j] || std::isnan(xr[j])) ? xr[j] : o[j];
    } else {
      for (int64_t j = 0; j < inner; j++) o[j] = (xr[j] < o[j] || std::isnan(xr[j])) ? xr[j] : o[j];
    }
  }
  if (op == kMean) {
    const float s = 1.0f / static_cast<float>(outer);
    for (int64_t j = 0; j < inner; j++) o[j] *= s;
  }
  return info.Env().Undefined();
}

}  // namespace difflm
