// One small persistent thread pool for every parallel kernel — the sgemm row/column splits, the attention slices
// and the large elementwise kernels — so that no second set of threads (OpenBLAS's own, which busy-wait for about
// 0.1 s after each call) competes with it for the cores. OpenBLAS itself runs single-threaded inside each chunk.
//
// parallelFor splits [0, n) into chunks claimed by the calling (JS) thread and the workers. A worker spins briefly
// after a job (kernels come back to back during a training step) and then sleeps on a condition variable, so an
// idle backend uses no CPU. Work below `grain` items per thread runs inline.
#pragma once
#include <cstdint>
#include <functional>

namespace difflm {

/** Threads for the matrix kernels (sgemm splits, attention), the JS thread included; default: OpenBLAS's count. */
int blasThreads();
void setBlasThreads(int n);
/** Threads for the elementwise kernels, the JS thread included (registerNativeKernels sets it; 1 until then). */
int poolThreads();
void setPoolThreads(int n);

void parallelForImpl(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& body, int threads,
                     int chunksPerThread);

template <class F>
inline void parallelFor(int64_t n, int64_t grain, F&& body) {
  if (n < 2 * grain || poolThreads() < 2) {
    body(int64_t{0}, n);
    return;
  }
  parallelForImpl(n, grain, std::function<void(int64_t, int64_t)>(body), poolThreads(), 1);
}

/**
 * parallelFor with an explicit thread count and finer chunks (chunksPerThread per thread, claimed dynamically):
 * for coarse items of uneven cost, such as the (batch, head) slices of attention.
 */
template <class F>
inline void parallelForThreads(int64_t n, int threads, int chunksPerThread, F&& body) {
  if (n < 2 || threads < 2) {
    body(int64_t{0}, n);
    return;
  }
  parallelForImpl(n, 1, std::function<void(int64_t, int64_t)>(body), threads, chunksPerThread);
}

}  // namespace difflm
