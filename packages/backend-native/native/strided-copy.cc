// Strided copy: dst[dBase + Σ i_k·dStride_k] = src[sBase + Σ i_k·sStride_k] over the index box `dims`.
// Slice, SplitV, Concat and Pad are all this one walk with different strides and offsets.
#include <algorithm>
#include <vector>
#include "args.h"

namespace difflm {

// stridedCopy(src, sBase, sStrides, dst, dBase, dStrides, dims)
Napi::Value StridedCopy(const Napi::CallbackInfo& info) {
  const float* src = f32(info, 0);
  const int64_t sBase = i64(info, 1);
  std::vector<int64_t> ss = shape(info, 2);
  float* dst = f32(info, 3);
  const int64_t dBase = i64(info, 4);
  std::vector<int64_t> ds = shape(info, 5), dims = shape(info, 6);
  // Drop unit dims and merge neighbours that are contiguous in both arrays.
  std::vector<int64_t> d, s, t;
  for (size_t k = 0; k < dims.size(); k++) {
    if (dims[k] == 0) return info.Env().Undefined();
    if (dims[k] == 1) continue;
    if (!d.empty() && s.back() == ss[k] * dims[k] && t.back() == ds[k] * dims[k]) {
      d.back() *= dims[k];
      s.back() = ss[k];
      t.back() = ds[k];
    } else {
      d.push_back(dims[k]);
      s.push_back(ss[k]);
      t.push_back(ds[k]);
    }
  }
  if (d.empty()) {
    dst[dBase] = src[sBase];
    return info.Env().Undefined();
  }
  const int last = static_cast<int>(d.size()) - 1;
  const int64_t n = d[last], si = s[last], di = t[last];
  int64_t outer = 1;
  for (int k = 0; k < last; k++) outer *= d[k];
  std::vector<int64_t> idx(d.size(), 0);
  int64_t so = sBase, dO = dBase;
  for (int64_t r = 0; r < outer; r++) {
    if (si == 1 && di == 1) {
      std::copy(src + so, src + so + n, dst + dO);
    } else {
      for (int64_t i = 0; i < n; i++) dst[dO + i * di] = src[so + i * si];
    }
    for (int k = last - 1; k >= 0; k--) {
      idx[k]++;
      so += s[k];
      dO += t[k];
      if (idx[k] < d[k]) break;
      so -= s[k] * d[k];
      dO -= t[k] * d[k];
      idx[k] = 0;
    }
  }
  return info.Env().Undefined();
}

}  // namespace difflm
