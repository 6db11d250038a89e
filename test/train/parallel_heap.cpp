// SPDX-License-Identifier: BSL-1.0
// No heap in the data-parallel paths (a counting operator new; not in test/threads/, whose
// TSan build brings its own): train::parallel_grad_into allocates nothing per call, and
// train::fit with 2 threads allocates the same for 1 epoch as for 5 (its buffers, the pool
// and the shards' buffers once per call).
#define BOOST_TEST_MODULE train.parallel_heap
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/init/initializers.hpp>
#include <ctgrad/optim/adam.hpp>
#include <ctgrad/train/fit.hpp>
#include <ctgrad/train/parallel.hpp>

#include "support/counting_new.hpp"

#include <memory>
#include <random>
#include <vector>

using namespace ctgrad;

namespace {
constexpr std::size_t B = 12;
constexpr auto X = input<"X", B, 2>;
constexpr auto Y = input<"Y", B, 3>;
constexpr auto logits = sequential(X, layer::dense<16>, layer::tanh, layer::dense<3>);
constexpr auto loss = cross_entropy(softmax(logits), Y);
using params_t = param_set<float, decltype(loss)>;
}  // namespace

BOOST_AUTO_TEST_CASE(parallel_grad_into_allocates_nothing_per_call) {
  auto ps = std::make_unique<params_t>();
  init::apply(*ps, 4, init::xavier_normal_rule{});
  tensor<float, shape<B, 2>> x{};
  tensor<float, shape<B, 3>> y{};
  init::rng r(9);
  init::normal(x, r, 0.0, 1.0);
  for (std::size_t i = 0; i < B; ++i) y(i, i % 3) = 1.0f;
  train::thread_pool pool(3);
  auto sg = std::make_unique<train::sharded_gradient<float, decltype(loss), 6>>();
  auto g = std::make_unique<params_t>();
  train::parallel_grad_into(pool, *sg, loss, *g, *ps, X = x, Y = y);
  std::size_t const before = test::allocations();
  for (int i = 0; i < 50; ++i) train::parallel_grad_into(pool, *sg, loss, *g, *ps, X = x, Y = y);
  BOOST_TEST(test::allocations() - before == 0u);
}

BOOST_AUTO_TEST_CASE(fit_with_threads_allocates_nothing_per_epoch) {
  std::mt19937 rng(2);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::vector<float> x(2 * 203), y(3 * 203, 0.0f);
  for (auto& v : x) v = noise(rng);
  for (std::size_t i = 0; i < 203; ++i) y[3 * i + i % 3] = 1.0f;
  auto count = [&](std::size_t epochs) {
    params_t ps{};
    init::apply(ps, 5, init::xavier_normal_rule{});
    optim::adam<params_t> opt({.lr = 0.01f});
    std::size_t const before = test::allocations();
    train::fit(train::classifier(X, Y, loss, logits), ps, opt, train::samples<float>{x, y},
               {.epochs = epochs, .show = train::progress::none, .threads = 2});
    return test::allocations() - before;
  };
  std::size_t const one = count(1), five = count(5);
  BOOST_TEST_MESSAGE("allocations in fit with 2 threads: " << one << " (1 epoch), " << five
                                                           << " (5 epochs)");
  BOOST_TEST(one == five);
}
