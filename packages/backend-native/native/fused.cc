// Softmax over the last axis, one row at a time (max-subtracted, so exp never overflows).
#include "args.h"
#include "fast-exp.h"
#include "parallel.h"

namespace difflm {

// softmax(x, out, rows, cols)
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  const float* x = f32(info, 0);
  float* o = f32(info, 1);
  const int64_t rows = i64(info, 2), cols = i64(info, 3);
  parallelFor(rows, cols >= (1 << 16) ? 1 : (1 << 16) / cols, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) softmaxRow(x + r * cols, o + r * cols, cols);
  });
  return info.Env().Undefined();
}

}  // namespace difflm
