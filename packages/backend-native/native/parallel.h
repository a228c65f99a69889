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

void parallelForImpl(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& body);

template <class F>
inline void parallelFor(int64_t n, int64_t grain, F&& body) {
  if (n < 2 * grain || poolThreads() < 2) {
    body(int64_t{0}, n);
    return;
  }
  parallelForImpl(n, grain, std::function<void(int64_t, int64_t)>(body));
}

}  // namespace difflm
