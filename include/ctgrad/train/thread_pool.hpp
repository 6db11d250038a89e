// SPDX-License-Identifier: BSL-1.0
// A fixed set of threads that run one job at a time, for the batch-parallel gradient
// (train/parallel.hpp) and the data-parallel train::fit (fit_options::threads):
//   train::thread_pool pool(4);                 // 3 std::threads + the caller, created once
//   pool.run([&](std::size_t thread, std::size_t threads) { ... });   // every thread, once
// run returns when every thread has finished its call; the caller is thread 0. The threads
// are started by the constructor and joined by the destructor, so a training loop starts
// none per step, and run allocates nothing (the job is passed as a pointer and a function
// pointer, not a std::function). What a thread computes must not depend on which thread
// computes it (train/parallel.hpp gives every shard its own buffers), so the results do not
// depend on the number of threads.
// Waiting: a worker polls for a while, first spinning (50 microseconds), then yielding the core
// to any other runnable thread between polls (a step of a small net is tens of microseconds,
// and a sleeping thread takes about as long to wake), then sleeps on a condition variable, so
// an idle pool costs no CPU. The first
// exception a call throws is rethrown by run, after every thread has finished.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <vector>

namespace ctgrad::train {

/// Threads created once that run f(thread, threads) on all of them, the caller included.
class thread_pool {
 public:
  /// A pool of `threads` threads in all: threads - 1 workers plus the caller of run.
  /// A pool of `threads` (the caller's thread counts as one; 0 means 1).
  explicit thread_pool(std::size_t threads) : size_(threads == 0 ? 1 : threads) {
    workers_.reserve(size_ - 1);
    for (std::size_t i = 1; i < size_; ++i) workers_.emplace_back([this, i] { work(i); });
  }
  /// Not copyable: the workers hold `this`.
  thread_pool(thread_pool const&) = delete;
  /// Not assignable.
  thread_pool& operator=(thread_pool const&) = delete;
  /// Stops and joins the workers.
  ~thread_pool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
  }

  /// The number of threads, the caller of run included.
  std::size_t size() const { return size_; }

  /// f(thread, threads) on every thread of the pool (the caller is thread 0); returns when
  /// all are done and rethrows the first exception one of them threw.
  template <class F> void run(F&& f) {
    using fn_t = std::remove_reference_t<F>;
    job_ = const_cast<void*>(static_cast<void const*>(std::addressof(f)));
    call_ = [](void* job, std::size_t thread, std::size_t threads) {
      (*static_cast<fn_t*>(job))(thread, threads);
    };
    error_ = nullptr;
    pending_.store(size_ - 1, std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      generation_.fetch_add(1, std::memory_order_release);
    }
    if (size_ > 1) wake_.notify_all();
    invoke(0);
    // The caller waits like the workers: polling, then the condition variable.
    poll([&] { return pending_.load(std::memory_order_acquire) == 0; });
    if (pending_.load(std::memory_order_acquire) != 0) {
      std::unique_lock<std::mutex> lock(mutex_);
      done_.wait(lock, [&] { return pending_.load(std::memory_order_acquire) == 0; });
    }
    if (error_) std::rethrow_exception(error_);
  }

 private:
  // Polls ready() before a thread sleeps: for up to 50 microseconds with the CPU's pause hint
  // between polls (a step of a small net is tens of microseconds; a thread woken from a
  // condition variable takes 10-50 microseconds to run again, as long as the step itself),
  // then after a yield each time (a loaded machine gets the core back) until 200
  // microseconds in all. The clock is read every 64 polls only: reading it costs as much.
  template <class Ready> static void poll(Ready const& ready) {
    using clock = std::chrono::steady_clock;
    auto const start = clock::now();
    for (;;) {
      for (int spin = 0; spin < 64; ++spin) {
        if (ready()) return;
        pause();
      }
      if (clock::now() - start > std::chrono::microseconds(50)) break;
    }
    while (!ready() && clock::now() - start < std::chrono::microseconds(200))
      std::this_thread::yield();
  }

  // The spin-wait hint: lets the other hardware thread of a core run and saves power.
  static void pause() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
  }

  void invoke(std::size_t thread) {
    try {
      call_(job_, thread, size_);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!error_) error_ = std::current_exception();
    }
  }

  void work(std::size_t thread) {
    std::size_t seen = 0;
    for (;;) {
      poll([&] { return generation_.load(std::memory_order_acquire) != seen; });
      std::size_t now = generation_.load(std::memory_order_acquire);
      if (now == seen) {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
        now = generation_.load(std::memory_order_acquire);
      }
      seen = now;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stop_) return;
      }
      invoke(thread);
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> lock(mutex_);  // so the caller cannot miss the notify
        done_.notify_one();
      }
    }
  }

  std::size_t size_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::atomic<std::size_t> generation_{0};
  std::atomic<std::size_t> pending_{0};
  bool stop_ = false;
  void* job_ = nullptr;
  void (*call_)(void*, std::size_t, std::size_t) = nullptr;
  std::exception_ptr error_;
};

}  // namespace ctgrad::train
