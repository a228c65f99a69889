// Batched sgemm over OpenBLAS: C[i] = op(A[aIdx[i]]) · op(B[bIdx[i]]), row-major, with batch broadcasting
// expressed as per-batch matrix indices (computed on the JS side from the broadcast batch shapes).
#include <cblas.h>
#include "args.h"

namespace difflm {

// gemm(a, b, c, batch, M, N, K, transA, transB, aIdx: Int32Array|null, bIdx: Int32Array|null)
Napi::Value Gemm(const Napi::CallbackInfo& info) {
  const float* a = f32(info, 0);
  const float* b = f32(info, 1);
  float* c = f32(info, 2);
  const int64_t batch = i64(info, 3), M = i64(info, 4), N = i64(info, 5), K = i64(info, 6);
  const bool ta = info[7].As<Napi::Boolean>().Value(), tb = info[8].As<Napi::Boolean>().Value();
  const int32_t* aIdx = info[9].IsNull() ? nullptr : info[9].As<Napi::Int32Array>().Data();
  const int32_t* bIdx = info[10].IsNull() ? nullptr : info[10].As<Napi::Int32Array>().Data();
  const int lda = ta ? M : K, ldb = tb ? K : N;
  for (int64_t i = 0; i < batch; i++) {
    const float* ai = a + (aIdx ? aIdx[i] : i) * M * K;
    const float* bi = b + (bIdx ? bIdx[i] : i) * K * N;
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, M, N, K, 1.0f, ai, lda,
                bi, ldb, 0.0f, c + i * M * N, N);
  }
  return info.Env().Undefined();
}

}  // namespace difflm
