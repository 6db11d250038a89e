// SPDX-License-Identifier: BSL-1.0
// Where the time of ctgrad_bench_train's data-parallel step goes (784-128-10, SGD, float), at
// batch 32, 256 and 512: each phase of the step as it runs on a pool of 2 threads, in wall-clock
// time (what the step costs) and in each thread's own CPU time (what the thread computed,
// cache misses included: a thread that was descheduled by another process on a loaded machine
// shows a wall time above its CPU time). The phases: copying the batch (serial, on the
// caller), the shards' gradients (pool.run 1), the reduction with its finiteness test
// (pool.run 2), the optimiser's update split by entries (pool.run 3); then the cost of one
// pool.run of an empty job, and the one-piece step on one thread for comparison.
//   build/bench-release/bench/ctgrad_bench_train_threads [steps]
#include <ctgrad/ctgrad.hpp>
#include <ctgrad/optim/sgd.hpp>
#include <ctgrad/train/parallel.hpp>

#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <thread>
#include <vector>

using namespace ctgrad;

namespace {

double cpu_us() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_nsec) / 1e3;
}
double wall_us() {
  return std::chrono::duration<double, std::micro>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

template <std::size_t B> void measure(int steps) {
  static constexpr auto X = input<"X", B, 784>;
  static constexpr auto Y = input<"Y", B, 10>;
  static constexpr auto loss =
      cross_entropy(softmax(sequential(X, layer::dense<128>, layer::relu, layer::dense<10>)), Y);
  using P = param_set<float, std::remove_cv_t<decltype(loss)>>;
  auto ps = std::make_unique<P>(), gs = std::make_unique<P>();
  init::apply(*ps, 1, init::xavier_normal_rule{});
  optim::sgd<P> opt({.lr = 0.01f});
  auto x = std::make_unique<tensor<float, shape<B, 784>>>();
  auto y = std::make_unique<tensor<float, shape<B, 10>>>();
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(0, 1);
  std::vector<float> data(60000 * 784 / 10);
  for (auto& v : data) v = u(rng);
  auto load = [&](int s) {
    std::size_t const off = (std::size_t(s) * B * 784) % (data.size() - B * 784);
    std::copy_n(data.begin() + long(off), B * 784, x->data.begin());
    *y = {};
    for (std::size_t r = 0; r < B; ++r) (*y)(r, (r + std::size_t(s)) % 10) = 1;
  };

  // One thread, one piece: load, gradient, SGD.
  std::vector<double> plain, plain_load, plain_sgd;
  for (int s = 0; s < steps; ++s) {
    double const t0 = wall_us();
    load(s);
    double const t1 = wall_us();
    grad_into(loss, *gs, *ps, X = *x, Y = *y);
    double const t2 = wall_us();
    opt.step(*ps, *gs);
    double const t3 = wall_us();
    plain.push_back(t3 - t0);
    plain_load.push_back(t1 - t0);
    plain_sgd.push_back(t3 - t2);
  }

  constexpr std::size_t K = train::default_shards(B);
  auto sg = std::make_unique<train::sharded_gradient<float, decltype(loss), K>>();
  train::thread_pool pool(2);
  // Per phase: wall time, and each thread's CPU time inside the job.
  std::vector<double> w_load, w_grad, w_upd, w_step, w_empty, c_shard[2], c_rest[2], w_reduce;
  double cpu_in[2];
  for (int s = 0; s < steps; ++s) {
    double const t0 = wall_us();
    load(s);
    double const t1 = wall_us();
    // sg.gradient is pool.run(shards) then pool.run(reduction): timed as a whole, and the
    // shards alone through compute (the same work, into the shards' own sets).
    sg->gradient(pool, *gs, *ps, X = *x, Y = *y);
    double const t2 = wall_us();
    train::parallel_update(pool, opt, *ps, *gs);
    double const t3 = wall_us();
    pool.run([](std::size_t, std::size_t) {});
    double const t4 = wall_us();
    pool.run([&](std::size_t thread, std::size_t) { cpu_in[thread] = cpu_us(); });
    sg->compute(pool, 0, K, *ps, X = *x, Y = *y);
    pool.run([&](std::size_t thread, std::size_t) {
      c_shard[thread].push_back(cpu_us() - cpu_in[thread]);
      cpu_in[thread] = cpu_us();
    });
    double const t5 = wall_us();
    sg->reduce(pool, *gs);
    double const t6 = wall_us();
    train::parallel_update(pool, opt, *ps, *gs);
    pool.run([&](std::size_t thread, std::size_t) {
      c_rest[thread].push_back(cpu_us() - cpu_in[thread]);
    });
    w_load.push_back(t1 - t0);
    w_grad.push_back(t2 - t1);
    w_upd.push_back(t3 - t2);
    w_step.push_back(t3 - t0);
    w_empty.push_back(t4 - t3);
    w_reduce.push_back(t6 - t5);
  }
  // The same work on two std::threads that run the steps together (spin barriers between the
  // phases), each timing its own part in thread CPU time, which a loaded machine changes
  // little (a descheduled thread accrues none): its shard, then its range of the reduction
  // and of the update. The threads live through all the steps, as the pool's do: a new
  // thread's first gradient was 1.5 ms here (its first use of the vector registers?).
  std::vector<double> k_shard[2], k_rest[2];
  std::atomic<int> arrived{0};
  auto part = [&](std::size_t j) {
    train::thread_pool alone(1);
    int round = 0;
    auto barrier = [&] {
      ++round;
      arrived.fetch_add(1);
      while (arrived.load() < 2 * round) {
      }
    };
    for (int s = 0; s < steps; ++s) {
      if (j == 0) {
        load(s);
        opt.start_step();
      }
      barrier();
      double const c0 = cpu_us();
      sg->compute(alone, j * K / 2, (j + 1) * K / 2, *ps, X = *x, Y = *y);
      double const c1 = cpu_us();
      barrier();
      double const c2 = cpu_us();
      auto const [from, to] = train::detail::entry_range(P::scalar_count, j, 2);
      sg->reduce_range(*gs, from, to, [&](std::size_t sh) -> P const& { return (*sg)[sh].grads; });
      opt.step_range(*ps, *gs, from, to);
      double const c3 = cpu_us();
      barrier();
      k_shard[j].push_back(c1 - c0);
      k_rest[j].push_back(c3 - c2);
    }
  };
  {
    std::thread other(part, std::size_t{1});
    part(0);
    other.join();
  }
  // And each part alone, one after the other on this thread (thread CPU time): what two
  // threads would take without sharing anything, caches and memory bandwidth included.
  std::vector<double> a_shard[2], a_rest;
  {
    train::thread_pool alone(1);
    for (int s = 0; s < steps; ++s) {
      load(s);
      opt.start_step();
      for (std::size_t j = 0; j < 2; ++j) {
        double const c0 = cpu_us();
        sg->compute(alone, j * K / 2, (j + 1) * K / 2, *ps, X = *x, Y = *y);
        a_shard[j].push_back(cpu_us() - c0);
      }
      double const c1 = cpu_us();
      sg->reduce_range(*gs, 0, P::scalar_count,
                       [&](std::size_t sh) -> P const& { return (*sg)[sh].grads; });
      opt.step_range(*ps, *gs, 0, P::scalar_count);
      a_rest.push_back(cpu_us() - c1);
    }
  }

  double const one = median(plain), two = median(w_step);
  std::printf("784-128-10 batch %zu, %zu shards, median of %d steps (us):\n", B, K, steps);
  std::printf("  1 thread, one piece: step %.1f = load %.1f + gradient %.1f + SGD %.1f\n", one,
              median(plain_load), one - median(plain_load) - median(plain_sgd), median(plain_sgd));
  std::printf(
      "  2 threads, wall: step %.1f = load %.1f + gradient (shards, reduction) %.1f + "
      "SGD %.1f; reduction alone %.1f; empty pool.run %.1f\n",
      two, median(w_load), median(w_grad), median(w_upd), median(w_reduce), median(w_empty));
  std::printf("  2 threads, CPU per thread: shards %.1f / %.1f, reduction + SGD %.1f / %.1f\n",
              median(c_shard[0]), median(c_shard[1]), median(c_rest[0]), median(c_rest[1]));
  std::printf("  speed-up of the step: %.2fx\n", one / two);
  double const ks = std::max(median(k_shard[0]), median(k_shard[1]));
  double const kr = std::max(median(k_rest[0]), median(k_rest[1]));
  double const load_half = median(plain_load) / 2;
  std::printf(
      "  2 std::threads together, thread CPU time: shards %.1f / %.1f, reduction + SGD "
      "range %.1f / %.1f;\n  critical path load/2 + max(shard) + max(rest) = %.1f us "
      "(synchronisation not counted): %.2fx the one-piece step\n",
      median(k_shard[0]), median(k_shard[1]), median(k_rest[0]), median(k_rest[1]),
      load_half + ks + kr, one / (load_half + ks + kr));
  double const as = std::max(median(a_shard[0]), median(a_shard[1]));
  std::printf(
      "  each part alone on one thread, thread CPU time: shards %.1f / %.1f, reduction + "
      "SGD %.1f;\n  bound load/2 + max(shard) + (reduction + SGD)/2 = %.1f us: %.2fx the "
      "one-piece step\n",
      median(a_shard[0]), median(a_shard[1]), median(a_rest), load_half + as + median(a_rest) / 2,
      one / (load_half + as + median(a_rest) / 2));
}

}  // namespace

int main(int argc, char** argv) {
  int const steps = argc > 1 ? std::atoi(argv[1]) : 400;
  measure<32>(steps);
  measure<256>(steps / 4 > 0 ? steps / 4 : 1);
  measure<512>(steps / 8 > 0 ? steps / 8 : 1);
}
