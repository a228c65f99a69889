// N-d transpose: out = x.transpose(perm). Output-order walk with the input strides; dims that stay adjacent
// under perm are merged first, and a plain (batched) 2-d swap uses cache blocking.
#include <algorithm>
#include <vector>
#include "args.h"

namespace difflm {

// transpose(x, shape, perm, out)
Napi::Value Transpose(const Napi::CallbackInfo& info) {
  const float* x = f32(info, 0);
  std::vector<int64_t> shp = shape(info, 1), perm = shape(info, 2);
  float* o = f32(info, 3);
  const int r = static_cast<int>(shp.size());
  // Merge input dims i and i+1 when perm places them next to each other in the same order.
  std::vector<int64_t> dims, newPerm;
  std::vector<int> group(r);  // input dim → merged input dim
  {
    std::vector<std::vector<int>> runs;  // runs over the output order
    for (int k = 0; k < r; k++) {
      if (shp[perm[k]] == 1) continue;
      if (!runs.empty() && runs.back().back() + 1 == perm[k]) {
        // the next non-unit input dim after runs.back().back() must be perm[k] (unit dims were skipped above)
        runs.back().push_back(static_cast<int>(perm[k]));
      } else {
        runs.push_back({static_cast<int>(perm[k])});
      }
    }
    // runs are in output order; merged input dims are sorted by their first input dim.
    std::vector<int> order(runs.size());
    for (size_t i = 0; i < runs.size(); i++) order[i] = static_cast<int>(i);
    std::sort(order.begin(), order.end(), [&](int p, int q) { return runs[p][0] < runs[q][0]; });
    std::vector<int> rank(runs.size());
    for (size_t i = 0; i < order.size(); i++) rank[order[i]] = static_cast<int>(i);
    dims.resize(runs.size());
    for (size_t i = 0; i < runs.size(); i++) {
      int64_t s = 1;
      for (int d : runs[i]) s *= shp[d];
      dims[rank[i]] = s;
    }
    newPerm.resize(runs.size());
    for (size_t i = 0; i < runs.size(); i++) newPerm[i] = rank[i];
  }
  const int m = static_cast<int>(dims.size());
  int64_t total = 1;
  for (int64_t d : shp) total *= d;
  bool identity = true;
  for (int i = 0; i < m; i++) identity &= newPerm[i] == i;
  if (identity) {
    std::copy(x, x + total, o);
    return info.Env().Undefined();
  }
  std::vector<int64_t> inStride(m);
  int64_t acc = 1;
  for (int i = m - 1; i >= 0; i--) { inStride[i] = acc; acc *= dims[i]; }
  // Batched 2-d swap: perm = [0.., last, last-1] with the leading dims in order.
  bool swap2 = m >= 2 && newPerm[m - 1] == m - 2 && newPerm[m - 2] == m - 1;
  for (int i = 0; i < m - 2 && swap2; i++) swap2 = newPerm[i] == i;
  if (swap2) {
    const int64_t R = dims[m - 2], C = dims[m - 1], batch = total / (R * C);
    const int64_t T = 32;
    for (int64_t bi = 0; bi < batch; bi++) {
      const float* xb = x + bi * R * C;
      float* ob = o + bi * R * C;
      for (int64_t r0 = 0; r0 < R; r0 += T)
        for (int64_t c0 = 0; c0 < C; c0 += T) {
          const int64_t r1 = std::min(R, r0 + T), c1 = std::min(C, c0 + T);
          for (int64_t c = c0; c < c1; c++)
            for (int64_t rr = r0; rr < r1; rr++) ob[c * R + rr] = xb[rr * C + c];
        }
    }
    return info.Env().Undefined();
  }
  std::vector<int64_t> odims(m), ostr(m);
  for (int k = 0; k < m; k++) { odims[k] = dims[newPerm[k]]; ostr[k] = inStride[newPerm[k]]; }
  const int last = m - 1;
  const int64_t n = odims[last], s = ostr[last];
  const int64_t outer = total / n;
  std::vector<int64_t> idx(m, 0);
  int64_t off = 0;
  for (int64_t row = 0; row < outer; row++) {
    float* orow = o + row * n;
    const float* xr = x + off;
    if (s == 1) {
      std::copy(xr, xr + n, orow);
    } else {
      for (int64_t i = 0; i < n; i++) orow[i] = xr[i * s];
    }
    for (int d = last - 1; d >= 0; d--) {
      idx[d]++;
      off += ostr[d];
      if (idx[d] < odims[d]) break;
      off -= ostr[d] * odims[d];
      idx[d] = 0;
    }
  }
  return info.Env().Undefined();
}

}  // namespace difflm
