// Thread pool behind parallelFor (see parallel.h). Chunks are claimed, not assigned: the calling thread keeps
// claiming after its first chunk, so a worker that the OS schedules late (a busy machine) costs nothing — the
// caller runs its chunk too and only waits for chunks a worker has actually started.
#include "parallel.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace difflm {

namespace {

using Body = std::function<void(int64_t, int64_t)>;

struct Pool {
  std::mutex mu;
  std::condition_variable wake, done;
  int started = 0;  // worker threads started
  const Body* body = nullptr;
  int64_t n = 0;
  int chunks = 0, next = 0, remaining = 0;
  uint64_t generation = 0;
  int threads = 1;

  bool claim(const Body*& job, int64_t& lo, int64_t& hi) {
    std::lock_guard<std::mutex> lock(mu);
    if (next >= chunks) return false;
    const int c = next++;
    job = body;
    lo = n * c / chunks;
    hi = n * (c + 1) / chunks;
    return true;
  }

  void finish() {
    std::lock_guard<std::mutex> lock(mu);
    if (--remaining == 0) done.notify_all();
  }

  void drain() {
    const Body* job;
    int64_t lo, hi;
    while (claim(job, lo, hi)) {
      (*job)(lo, hi);
      finish();
    }
  }

  void worker() {
    uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu);
        wake.wait(lock, [&] { return generation != seen; });
        seen = generation;
      }
      drain();
    }
  }

  void ensureWorkers(int count) {
    while (started < count) {
      std::thread([this] { worker(); }).detach();
      started++;
    }
  }
};

Pool& pool() {
  static Pool* p = [] {
    auto* q = new Pool();  // never destroyed: detached workers may outlive static destruction
    q->threads = 1;  // opt-in (setElementwiseThreads): see docs/adr/0003 on shared machines
    return q;
  }();
  return *p;
}

std::mutex callMu;  // one parallelFor at a time (the JS thread is the only caller)

}  // namespace

int poolThreads() { return pool().threads; }
void setPoolThreads(int n) { pool().threads = std::max(1, std::min(64, n)); }

void parallelForImpl(int64_t n, int64_t grain, const Body& body, int threads, int chunksPerThread) {
  std::lock_guard<std::mutex> call(callMu);
  Pool& p = pool();
  const int chunks = static_cast<int>(std::min<int64_t>(static_cast<int64_t>(threads) * chunksPerThread, n / grain));
  {
    std::lock_guard<std::mutex> lock(p.mu);
    p.ensureWorkers(std::min(threads, chunks) - 1);
    p.body = &body;
    p.n = n;
    p.chunks = chunks;
    p.next = 0;
    p.remaining = chunks;
    p.generation++;
  }
  p.wake.notify_all();
  p.drain();
  std::unique_lock<std::mutex> lock(p.mu);
  p.done.wait(lock, [&] { return p.remaining == 0; });
}

}  // namespace difflm
