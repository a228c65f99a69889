// sgemm on the addon's thread pool (row-major, like cblas_sgemm; threads = how many of the pool's threads to use).
#pragma once
#include <cstdint>

namespace difflm {

void sgemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* a, int64_t lda, const float* b,
           int64_t ldb, float beta, float* c, int64_t ldc, int threads);

}  // namespace difflm
