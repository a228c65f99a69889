// Batched sgemm over OpenBLAS: C[i] = op(A[aIdx[i]]) · op(B[bIdx[i]]), row-major, with batch broadcasting
// expressed as per-batch matrix indices (computed on the JS side from the broadcast batch shapes).
// Parallelism is ours (parallel.h): a large product is split into row or column blocks, one single-threaded
// OpenBLAS call each; a batch of small products is split by batch item.
#include "gemm.h"

#include <cblas.h>
#include <algorithm>
#include "args.h"
#include "parallel.h"

namespace difflm {

namespace {

/** Products below this many multiply-adds run on one thread: the split would cost more than it saves. */
constexpr int64_t kSplitMacs = 1 << 19;

void sgemmOne(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* a, int64_t lda,
              const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, static_cast<int>(M),
              static_cast<int>(N), static_cast<int>(K), alpha, a, static_cast<int>(lda), b, static_cast<int>(ldb), beta,
              c, static_cast<int>(ldc));
}

}  // namespace

void sgemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* a, int64_t lda, const float* b,
           int64_t ldb, float beta, float* c, int64_t ldc, int threads) {
  if (threads < 2 || M * N * K < kSplitMacs) {
    sgemmOne(ta, tb, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  // Split the longer side of C into blocks of whole 16-row/column panels (the micro-kernels' width).
  const bool rows = M >= N;
  const int64_t len = rows ? M : N;
  const int64_t panels = (len + 15) / 16;
  parallelForThreads(panels, threads, 1, [&](int64_t p0, int64_t p1) {
    const int64_t lo = p0 * 16, hi = std::min(len, p1 * 16);
    if (hi <= lo) return;
    if (rows) {
      sgemmOne(ta, tb, hi - lo, N, K, alpha, ta ? a + lo : a + lo * lda, lda, b, ldb, beta, c + lo * ldc, ldc);
    } else {
      sgemmOne(ta, tb, M, hi - lo, K, alpha, a, lda, tb ? b + lo * ldb : b + lo, ldb, beta, c + lo, ldc);
    }
  });
}

// gemm(a, b, c, batch, M, N, K, transA, transB, aIdx: Int32Array|null, bIdx: Int32Array|null)
Napi::Value Gemm(const Napi::CallbackInfo& info) {
  const float* a = f32(info, 0);
  const float* b = f32(info, 1);
  float* c = f32(info, 2);
  const int64_t batch = i64(info, 3), M = i64(info, 4), N = i64(info, 5), K = i64(info, 6);
  const bool ta = info[7].As<Napi::Boolean>().Value(), tb = info[8].As<Napi::Boolean>().Value();
  const int32_t* aIdx = info[9].IsNull() ? nullptr : info[9].As<Napi::Int32Array>().Data();
  const int32_t* bIdx = info[10].IsNull() ? nullptr : info[10].As<Napi::Int32Array>().Data();
  const int64_t lda = ta ? M : K, ldb = tb ? K : N;
  auto item = [&](int64_t i, int threads) {
    const float* ai = a + (aIdx ? aIdx[i] : i) * M * K;
    const float* bi = b + (bIdx ? bIdx[i] : i) * K * N;
    sgemm(ta, tb, M, N, K, 1.0f, ai, lda, bi, ldb, 0.0f, c + i * M * N, N, threads);
  };
  if (batch >= 2 * blasThreads() && M * N * K < 8 * kSplitMacs) {
    parallelForThreads(batch, blasThreads(), 2, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; i++) item(i, 1);
    });
  } else {
    for (int64_t i = 0; i < batch; i++) item(i, blasThreads());
  }
  return info.Env().Undefined();
}

}  // namespace difflm
