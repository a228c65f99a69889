// Thread pool behind parallelFor (see parallel.h). Chunks are claimed, not assigned: the calling thread keeps
// claiming after its first chunk, so a worker that the OS schedules late (a busy machine) costs nothing — the
// caller runs its chunk too and only waits for chunks a worker has actually started.
#include "parallel.h"

#include <cblas.h>
#include <pthread.h>
#include <sched.h>
#include <cstdlib>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define DIFFLM_PAUSE() _mm_pause()
#else
#define DIFFLM_PAUSE() std::this_thread::yield()
#endif

namespace difflm {

namespace {

using Body = std::function<void(int64_t, int64_t)>;
using Clock = std::chrono::steady_clock;

/** How long an idle worker keeps polling for the next job before it sleeps. */
constexpr auto kSpin = std::chrono::milliseconds(20);

struct Pool {
  std::mutex mu;
  std::condition_variable wake;
  int started = 0;   // worker threads started
  int sleepers = 0;  // workers waiting on `wake` (guarded by mu)
  const Body* body = nullptr;
  int64_t n = 0;
  int chunks = 0, next = 0;
  std::atomic<int> remaining{0};
  std::atomic<uint64_t> generation{0};
  int threads = 1;
  int blas = 1;

  bool claim(const Body*& job, int64_t& lo, int64_t& hi) {
    std::lock_guard<std::mutex> lock(mu);
    if (next >= chunks) return false;
    const int c = next++;
    job = body;
    lo = n * c / chunks;
    hi = n * (c + 1) / chunks;
    return true;
  }

  void drain() {
    const Body* job;
    int64_t lo, hi;
    while (claim(job, lo, hi)) {
      (*job)(lo, hi);
      remaining.fetch_sub(1, std::memory_order_acq_rel);
    }
  }

  void worker() {
    uint64_t seen = 0;
    for (;;) {
      const auto t0 = Clock::now();
      int polls = 0;
      while (generation.load(std::memory_order_acquire) == seen) {
        DIFFLM_PAUSE();
        if (++polls % 64 == 0 && Clock::now() - t0 > kSpin) break;
      }
      if (generation.load(std::memory_order_acquire) == seen) {
        std::unique_lock<std::mutex> lock(mu);
        sleepers++;
        wake.wait(lock, [&] { return generation.load(std::memory_order_acquire) != seen; });
        sleepers--;
      }
      seen = generation.load(std::memory_order_acquire);
      drain();
    }
  }

  void ensureWorkers(int count) {
    if (started == 0 && count > 0) {
      // The calling (JS) thread keeps the CPU it is on; workers take the CPUs after it, in order.
      const int here = sched_getcpu();
      for (size_t i = 0; i < cpus.size(); i++) if (cpus[i] == here) first = static_cast<int>(i);
      pinTo(0);
    }
    while (started < count) {
      const int index = ++started;
      std::thread([this, index] {
        pinTo(index);
        worker();
      }).detach();
    }
  }

  int first = 0;  // position in `cpus` of the JS thread's CPU

  /** CPUs the process may run on, in order (empty when unknown). */
  std::vector<int> cpus;
  bool pin = false;

  /**
   * Bind the calling thread to the index-th allowed CPU. Only when this process's threads cover every allowed CPU:
   * then nothing is lost, and a worker woken by the JS thread is not first queued on the JS thread's own CPU (which
   * halved sgemm throughput in a training loop). A process given a share of the cores (a study's run processes)
   * leaves placement to the OS. DIFFLM_NATIVE_PIN=0 turns pinning off.
   */
  void pinTo(int index) const {
    if (!pin || cpus.empty() || static_cast<int>(cpus.size()) > std::max(blas, threads)) return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpus[static_cast<size_t>(first + index) % cpus.size()], &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
  }
};

Pool& pool() {
  static Pool* p = [] {
    auto* q = new Pool();  // never destroyed: detached workers may outlive static destruction
    q->threads = 1;  // elementwise kernels: set by registerNativeKernels (setElementwiseThreads)
    // The matrix kernels take over OpenBLAS's thread count (OPENBLAS_NUM_THREADS or the cores), and OpenBLAS
    // runs single-threaded inside each of their chunks from here on.
    q->blas = std::max(1, openblas_get_num_threads());
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
      for (int c = 0; c < CPU_SETSIZE; c++) if (CPU_ISSET(c, &set)) q->cpus.push_back(c);
    }
    const char* env = std::getenv("DIFFLM_NATIVE_PIN");
    q->pin = !(env && env[0] == '0');
    openblas_set_num_threads(1);
    return q;
  }();
  return *p;
}

std::mutex callMu;  // one parallelFor at a time (the JS thread is the only caller)

}  // namespace

int poolThreads() { return pool().threads; }
void setPoolThreads(int n) { pool().threads = std::max(1, std::min(64, n)); }
int blasThreads() { return pool().blas; }
void setBlasThreads(int n) { pool().blas = std::max(1, std::min(64, n)); }

void parallelForImpl(int64_t n, int64_t grain, const Body& body, int threads, int chunksPerThread) {
  std::lock_guard<std::mutex> call(callMu);
  Pool& p = pool();
  const int chunks = static_cast<int>(std::min<int64_t>(static_cast<int64_t>(threads) * chunksPerThread, n / grain));
  bool notify;
  {
    std::lock_guard<std::mutex> lock(p.mu);
    p.ensureWorkers(std::min(threads, chunks) - 1);
    p.body = &body;
    p.n = n;
    p.chunks = chunks;
    p.next = 0;
    p.remaining.store(chunks, std::memory_order_relaxed);
    p.generation.fetch_add(1, std::memory_order_release);
    notify = p.sleepers > 0;
  }
  if (notify) p.wake.notify_all();
  p.drain();
  // Every chunk is claimed; wait for the ones workers are still running.
  int polls = 0;
  while (p.remaining.load(std::memory_order_acquire) != 0) {
    DIFFLM_PAUSE();
    if (++polls > 4096) std::this_thread::yield();  // a descheduled worker: let it run
  }
}

}  // namespace difflm
