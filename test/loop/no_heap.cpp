// SPDX-License-Identifier: BSL-1.0
// A GRU's gradient (hidden 64, T 28, batch 32: the demo's and the benchmark's size)
// allocates nothing with a workspace passed, and nothing after the thread's first call
// without one (its workspace, several MB of per-step values, leaves the stack budget).
#define BOOST_TEST_MODULE loop.no_heap
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include "support/counting_new.hpp"
#include "support/random.hpp"

#include <memory>

namespace {
using namespace ctgrad;
constexpr auto X = input<"X", 28, 32, 28>;
constexpr auto Y = input<"Y", 32, 10>;
constexpr auto net = sequential(X, layer::gru<64, "gru.">, layer::last_step, layer::dense<10>);
constexpr auto loss = cross_entropy(softmax(net), Y);
}  // namespace

BOOST_AUTO_TEST_CASE(gru_gradient_allocates_nothing) {
  auto ps = std::make_unique<param_set<float, decltype(loss)>>();
  auto gs = std::make_unique<param_set<float, decltype(loss)>>();
  test::fill_normal(*ps, 2, 0.1);
  auto x = std::make_unique<tensor<float, shape<28, 32, 28>>>();
  auto y = std::make_unique<tensor<float, shape<32, 10>>>();
  for (std::size_t i = 0; i < 32; ++i) (*y)(i, i % 10) = 1;
  auto ws = std::make_unique<workspace_for<float, decltype(loss)>>();
  BOOST_TEST_MESSAGE(to_string(memory_report<float>(loss)));

  std::size_t before = test::allocations();
  float const l1 = grad_into(loss, *gs, *ws, *ps, X = *x, Y = *y);
  BOOST_TEST(test::allocations() == before);

  float const l2 = grad_into(loss, *gs, *ps, X = *x, Y = *y);  // the thread's workspace
  before = test::allocations();
  float const l3 = grad_into(loss, *gs, *ps, X = *x, Y = *y);
  BOOST_TEST(test::allocations() == before);
  BOOST_TEST(l1 == l2);
  BOOST_TEST(l2 == l3);
  BOOST_TEST(std::log(10.0f) - l1 < 0.5f);  // small random weights: near uniform
}
