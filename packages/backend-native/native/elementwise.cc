// Elementwise kernels: broadcasting binary ops (numpy rules, shapes right-aligned) and unary ops.
// The binary iterator drops size-1 output dims and merges adjacent dims that stay contiguous for both inputs,
// so the common cases ([B,L,d] + [d], [B,L,d] * [B,L,1], equal shapes) run one long inner loop.
#include <algorithm>
#include <cmath>
#include "args.h"
#include "fast-exp.h"
#include "parallel.h"

namespace difflm {

namespace {

struct Broadcast {
  int nd = 0;
  int64_t dims[16], sa[16], sb[16];
};

Broadcast plan(const std::vector<int64_t>& out, const std::vector<int64_t>& as, const std::vector<int64_t>& bs) {
  const int r = static_cast<int>(out.size());
  std::vector<int64_t> sa(r, 0), sb(r, 0);
  int64_t acc = 1;
  for (int i = 0; i < static_cast<int>(as.size()); i++) {
    const int k = static_cast<int>(as.size()) - 1 - i;
    sa[r - 1 - i] = as[k] == 1 ? 0 : acc;
    acc *= as[k];
  }
  acc = 1;
  for (int i = 0; i < static_cast<int>(bs.size()); i++) {
    const int k = static_cast<int>(bs.size()) - 1 - i;
    sb[r - 1 - i] = bs[k] == 1 ? 0 : acc;
    acc *= bs[k];
  }
  Broadcast p;
  for (int i = 0; i < r; i++) {
    if (out[i] == 1) continue;
    if (p.nd > 0) {
      const int j = p.nd - 1;
      if (p.sa[j] == sa[i] * out[i] && p.sb[j] == sb[i] * out[i]) {
        p.dims[j] *= out[i];
        p.sa[j] = sa[i];
        p.sb[j] = sb[i];
        continue;
      }
    }
    p.dims[p.nd] = out[i];
    p.sa[p.nd] = sa[i];
    p.sb[p.nd] = sb[i];
    p.nd++;
  }
  if (p.nd == 0) {
    p.nd = 1;
    p.dims[0] = 1;
    p.sa[0] = 0;
    p.sb[0] = 0;
  }
  return p;
}

template <class T, class F>
inline void innerLoop(const float* a, int64_t sa, const float* b, int64_t sb, T* o, int64_t n, F f) {
  if (sa == 1 && sb == 1) {
    for (int64_t i = 0; i < n; i++) o[i] = f(a[i], b[i]);
  } else if (sa == 1 && sb == 0) {
    const float bv = *b;
    for (int64_t i = 0; i < n; i++) o[i] = f(a[i], bv);
  } else if (sa == 0 && sb == 1) {
    const float av = *a;
    for (int64_t i = 0; i < n; i++) o[i] = f(av, b[i]);
  } else {
    for (int64_t i = 0; i < n; i++) o[i] = f(a[i * sa], b[i * sb]);
  }
}

/** Elements per thread below which a kernel runs on the calling thread only. */
constexpr int64_t kGrain = 1 << 16;

template <class T, class F>
void runBinary(const Broadcast& p, const float* a, const float* b, T* o, F f) {
  const int last = p.nd - 1;
  const int64_t n = p.dims[last];
  int64_t outer = 1;
  for (int i = 0; i < last; i++) outer *= p.dims[i];
  if (outer == 1) {
    parallelFor(n, kGrain, [&](int64_t lo, int64_t hi) {
      innerLoop(a + lo * p.sa[last], p.sa[last], b + lo * p.sb[last], p.sb[last], o + lo, hi - lo, f);
    });
    return;
  }
  parallelFor(outer, std::max<int64_t>(1, kGrain / n), [&](int64_t r0, int64_t r1) {
    int64_t idx[16] = {0};
    int64_t offA = 0, offB = 0, rem = r0;
    for (int d = last - 1; d >= 0; d--) {
      idx[d] = rem % p.dims[d];
      rem /= p.dims[d];
      offA += idx[d] * p.sa[d];
      offB += idx[d] * p.sb[d];
    }
    for (int64_t r = r0; r < r1; r++) {
      innerLoop(a + offA, p.sa[last], b + offB, p.sb[last], o + r * n, n, f);
      for (int d = last - 1; d >= 0; d--) {
        idx[d]++;
        offA += p.sa[d];
        offB += p.sb[d];
        if (idx[d] < p.dims[d]) break;
        offA -= p.sa[d] * p.dims[d];
        offB -= p.sb[d] * p.dims[d];
        idx[d] = 0;
      }
    }
  });
}

inline float jsMax(float a, float b) { return (std::isnan(a) || std::isnan(b)) ? NAN : (a > b ? a : b); }
inline float jsMin(float a, float b) { return (std::isnan(a) || std::isnan(b)) ? NAN : (a < b ? a : b); }

}  // namespace

// binary(op, a, aShape, b, bShape, out, outShape)
Napi::Value Binary(const Napi::CallbackInfo& info) {
  const int op = static_cast<int>(i64(info, 0));
  const float* a = f32(info, 1);
  const float* b = f32(info, 3);
  float* o = f32(info, 5);
  const Broadcast p = plan(shape(info, 6), shape(info, 2), shape(info, 4));
  switch (op) {
    case 0: runBinary(p, a, b, o, [](float x, float y) { return x + y; }); break;
    case 1: runBinary(p, a, b, o, [](float x, float y) { return x - y; }); break;
    case 2: runBinary(p, a, b, o, [](float x, float y) { return x * y; }); break;
    case 3: runBinary(p, a, b, o, [](float x, float y) { return x / y; }); break;
    case 4: runBinary(p, a, b, o, jsMax); break;
    case 5: runBinary(p, a, b, o, jsMin); break;
    case 6: runBinary(p, a, b, o, [](float x, float y) { return (x - y) * (x - y); }); break;
    default: Napi::Error::New(info.Env(), "binary: unknown op code").ThrowAsJavaScriptException();
  }
  return info.Env().Undefined();
}

// compare(op, a, aShape, b, bShape, out: Uint8Array, outShape): 1 where the comparison holds (NaN compares false,
// except NotEqual), as tfjs's bool tensors store it.
Napi::Value Compare(const Napi::CallbackInfo& info) {
  const int op = static_cast<int>(i64(info, 0));
  const float* a = f32(info, 1);
  const float* b = f32(info, 3);
  uint8_t* o = info[5].As<Napi::Uint8Array>().Data();
  const Broadcast p = plan(shape(info, 6), shape(info, 2), shape(info, 4));
  switch (op) {
    case 0: runBinary(p, a, b, o, [](float x, float y) { return static_cast<uint8_t>(x > y); }); break;
    case 1: runBinary(p, a, b, o, [](float x, float y) { return static_cast<uint8_t>(x >= y); }); break;
    case 2: runBinary(p, a, b, o, [](float x, float y) { return static_cast<uint8_t>(x < y); }); break;
    case 3: runBinary(p, a, b, o, [](float x, float y) { return static_cast<uint8_t>(x <= y); }); break;
    case 4: runBinary(p, a, b, o, [](float x, float y) { return static_cast<uint8_t>(x == y); }); break;
    case 5: runBinary(p, a, b, o, [](float x, float y) { return static_cast<uint8_t>(x != y); }); break;
    default: Napi::Error::New(info.Env(), "compare: unknown op code").ThrowAsJavaScriptException();
  }
  return info.Env().Undefined();
}

// select(cond: Uint8Array, t, e, out, n): out = cond ? t : e, all of n elements.
Napi::Value Select(const Napi::CallbackInfo& info) {
  const uint8_t* c = info[0].As<Napi::Uint8Array>().Data();
  const float* t = f32(info, 1);
  const float* e = f32(info, 2);
  float* o = f32(info, 3);
  parallelFor(i64(info, 4), kGrain, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; i++) o[i] = c[i] ? t[i] : e[i];
  });
  return info.Env().Undefined();
}

// clip(x, out, n, lo, hi): tfjs's ClipByValue (NaN stays NaN).
Napi::Value Clip(const Napi::CallbackInfo& info) {
  const float* x = f32(info, 0);
  float* o = f32(info, 1);
  const float lo = num(info, 3), hi = num(info, 4);
  parallelFor(i64(info, 2), kGrain, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; i++) o[i] = x[i] > hi ? hi : (x[i] < lo ? lo : x[i]);
  });
  return info.Env().Undefined();
}

// unary(op, x, out, n, alpha)
Napi::Value Unary(const Napi::CallbackInfo& info) {
  const int op = static_cast<int>(i64(info, 0));
  const float* x = f32(info, 1);
  float* o = f32(info, 2);
  const int64_t n = i64(info, 3);
  const float alpha = num(info, 4);
  if (op < 0 || op > 13) {
    Napi::Error::New(info.Env(), "unary: unknown op code").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  parallelFor(n, kGrain, [&](int64_t lo, int64_t hi) {
    switch (op) {
      case 0: for (int64_t i = lo; i < hi; i++) o[i] = fastExp(x[i]); break;
      case 1: for (int64_t i = lo; i < hi; i++) o[i] = std::log(x[i]); break;
      case 2: for (int64_t i = lo; i < hi; i++) o[i] = -x[i]; break;
      case 3: for (int64_t i = lo; i < hi; i++) o[i] = std::sqrt(x[i]); break;
      case 4: for (int64_t i = lo; i < hi; i++) o[i] = 1.0f / std::sqrt(x[i]); break;
      case 5: for (int64_t i = lo; i < hi; i++) o[i] = x[i] * x[i]; break;
      case 6: for (int64_t i = lo; i < hi; i++) o[i] = x[i] < 0.0f ? 0.0f : x[i]; break;
      case 7: for (int64_t i = lo; i < hi; i++) o[i] = 1.0f / (1.0f + fastExp(-x[i])); break;
      case 8: for (int64_t i = lo; i < hi; i++) o[i] = fastTanh(x[i]); break;
      case 9: for (int64_t i = lo; i < hi; i++) o[i] = std::fabs(x[i]); break;
      case 10: for (int64_t i = lo; i < hi; i++) o[i] = 1.0f / x[i]; break;
      case 11: for (int64_t i = lo; i < hi; i++) o[i] = std::isnan(x[i]) ? NAN : (x[i] > 0.0f ? 1.0f : alpha); break;
      case 12: for (int64_t i = lo; i < hi; i++) o[i] = std::log1p(x[i]); break;
      case 13: for (int64_t i = lo; i < hi; i++) o[i] = std::expm1(x[i]); break;
      default: break;
    }
  });
  return info.Env().Undefined();
}

}  // namespace difflm
