// A small persistent thread pool for the elementwise kernels: parallelFor splits [0, n) into one chunk per
// thread; the calling (JS) thread runs chunk 0. Workers sleep on a condition variable between jobs (no
// spin-wait stealing the JS thread's core). Work below `grain` items per thread runs inline.
#pragma once
#include <cstdint>
#include <functional>

namespace difflm {

/** Threads used (the JS thread included); default 1, set through the addon's setElementwiseThreads. */
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
