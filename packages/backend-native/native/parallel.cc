// Thread pool behind parallelFor (see parallel.h).
#include "parallel.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace difflm {

namespace {

struct Pool {
  std::mutex mu;
  std::condition_variable wake, done;
  std::vector<std::thread> workers;
  const std::function<void(int64_t, int64_t)>* body = nullptr;
  int64_t n = 0;
  int chunks = 0;
  uint64_t generation = 0;
  int pending = 0;
  int threads = 1;

  void run(int id) {
    uint64_t seen = 0;
    for (;;) {
      const std::function<void(int64_t, int64_t)>* job;
      int64_t lo, hi;
      {
        std::unique_lock<std::mutex> lock(mu);
        wake.wait(lock, [&] { return generation != seen; });
        seen = generation;
        if (id >= chunks) continue;
        job = body;
        lo = n * id / chunks;
        hi = n * (id + 1) / chunks;
      }
      (*job)(lo, hi);
      {
        std::lock_guard<std::mutex> lock(mu);
        if (--pending == 0) done.notify_one();
      }
    }
  }

  void ensure(int t) {
    while (static_cast<int>(workers.size()) < t - 1) {
      const int id = static_cast<int>(workers.size()) + 1;
      workers.emplace_back([this, id] { run(id); });
      workers.back().detach();
    }
  }
};

Pool& pool() {
  static Pool* p = [] {
    auto* q = new Pool();  // never destroyed: detached workers may outlive static destruction
    q->threads = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
    return q;
  }();
  return *p;
}

std::mutex callMu;  // one parallelFor at a time (the JS thread is the only caller)

}  // namespace

int poolThreads() { return pool().threads; }
void setPoolThreads(int n) { pool().threads = std::max(1, std::min(64, n)); }

void parallelForImpl(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& body) {
  std::lock_guard<std::mutex> call(callMu);
  Pool& p = pool();
  const int chunks = static_cast<int>(std::min<int64_t>(p.threads, n / grain));
  p.ensure(chunks);
  {
    std::lock_guard<std::mutex> lock(p.mu);
    p.body = &body;
    p.n = n;
    p.chunks = chunks;
    p.pending = chunks - 1;
    p.generation++;
  }
  p.wake.notify_all();
  body(0, n / chunks);
  std::unique_lock<std::mutex> lock(p.mu);
  p.done.wait(lock, [&] { return p.pending == 0; });
}

}  // namespace difflm
