// SPDX-License-Identifier: BSL-1.0
// What two threads can gain on the training step of ctgrad_bench_train (784-128-10, batch 32,
// SGD), from each thread's own CPU time, which other processes on a loaded machine change
// little (wall-clock speedups need two idle cores): the one-piece step, and the two shards,
// the reduction and the serial part (copying the batch, the SGD update) of the data-parallel
// step, each timed alone on one thread. The critical path of the 2-thread step is then
// max(shard 0, shard 1) + reduction / 2 + serial part, synchronisation not counted.
//   build/bench-release/bench/ctgrad_bench_train_threads
#include <ctgrad/ctgrad.hpp>
#include <ctgrad/train/parallel.hpp>
#include <ctgrad/optim/sgd.hpp>
#include <time.h>
#include <algorithm>
#include <cstdio>
#include <memory>
#include <random>
#include <vector>
using namespace ctgrad;
constexpr auto X = input<"X", 32, 784>;
constexpr auto Y = input<"Y", 32, 10>;
constexpr auto loss =
    cross_entropy(softmax(sequential(X, layer::dense<128>, layer::relu, layer::dense<10>)), Y);
using P = param_set<float, std::remove_cv_t<decltype(loss)>>;
double cpu() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}
int main() {
  auto ps = std::make_unique<P>(), gs = std::make_unique<P>();
  init::apply(*ps, 1, init::xavier_normal_rule{});
  optim::sgd<P> opt({.lr = 0.01f});
  auto x = std::make_unique<tensor<float, shape<32, 784>>>();
  auto y = std::make_unique<tensor<float, shape<32, 10>>>();
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(0, 1);
  std::vector<float> data(60000 * 784 / 20);
  for (auto& v : data) v = u(rng);
  train::thread_pool pool(1);
  auto sg = std::make_unique<train::sharded_gradient<float, decltype(loss), 2>>();
  const int steps = 400;
  std::vector<double> plain, s0, s1, red, ser;
  for (int s = 0; s < steps; ++s) {
    std::size_t const off = (std::size_t(s) * 32 * 784) % (data.size() - 32 * 784);
    double t0 = cpu();
    std::copy_n(data.begin() + long(off), 32 * 784, x->data.begin());
    *y = {};
    for (int r = 0; r < 32; ++r) (*y)(r, (r + s) % 10) = 1;
    double t1 = cpu();
    grad_into(loss, *gs, *ps, X = *x, Y = *y);
    double t2 = cpu();
    opt.step(*ps, *gs);
    double t3 = cpu();
    sg->compute(pool, 0, 1, *ps, X = *x, Y = *y);
    double t4 = cpu();
    sg->compute(pool, 1, 2, *ps, X = *x, Y = *y);
    double t5 = cpu();
    sg->reduce(pool, *gs);
    double t6 = cpu();
    plain.push_back((t1 - t0) + (t2 - t1) + (t3 - t2));
    s0.push_back(t4 - t3);
    s1.push_back(t5 - t4);
    red.push_back(t6 - t5);
    ser.push_back((t1 - t0) + (t3 - t2));
  }
  auto med = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  double const p = med(plain), a = med(s0), b = med(s1), r = med(red), se = med(ser);
  double const crit = std::max(a, b) + r / 2 + se;
  std::printf(
      "thread CPU time, median of %d steps (us): one-piece step %.1f (of which load + SGD %.1f)\n",
      steps, p, se);
  std::printf(
      "shard 0 %.1f, shard 1 %.1f, reduction %.1f (on 1 thread); 1-thread sharded step %.1f\n", a,
      b, r, a + b + r + se);
  std::printf(
      "2-thread critical path max(shards) + reduction/2 + load + SGD = %.1f us: %.2fx the "
      "one-piece step (synchronisation not counted)\n",
      crit, p / crit);
}
