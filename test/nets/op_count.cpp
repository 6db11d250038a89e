// SPDX-License-Identifier: BSL-1.0
// One forward and one backward: with the counting hooks of an instrumented build, every
// node is computed exactly once forward, and the VJP rules of every node on a path from the
// loss to a parameter run exactly once backward, for a deep chain and for fan-out.
#define CTGRAD_INSTRUMENT
#define BOOST_TEST_MODULE nets.op_count
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include "support/random.hpp"

#include <vector>

namespace {
std::vector<int> forward_counts, backward_counts;
}

void ctgrad::instrument::on_forward(std::size_t node, std::size_t nodes) {
  forward_counts.resize(nodes);
  ++forward_counts[node];
}
void ctgrad::instrument::on_backward(std::size_t node, std::size_t nodes) {
  backward_counts.resize(nodes);
  ++backward_counts[node];
}

using namespace ctgrad;

template <class Loss> std::size_t computed_nodes() {
  std::size_t n = 0;
  [&]<class... Ns>(detail::type_list<Ns...>) {
    ((n += (!is_variable_v<Ns> && !is_constant_v<Ns>)), ...);
  }(topological_order_t<Loss>{});
  return n;
}

template <class Loss, class Set, class... B>
void expect_once(Loss loss, Set const& ps, B const&... b) {
  forward_counts.clear();
  backward_counts.clear();
  (void)grad(loss, ps, b...);
  std::size_t forward_total = 0, backward_total = 0;
  for (int c : forward_counts) {
    BOOST_TEST(c <= 1);
    forward_total += static_cast<std::size_t>(c);
  }
  for (int c : backward_counts) {
    BOOST_TEST(c <= 1);
    backward_total += static_cast<std::size_t>(c);
  }
  BOOST_TEST(forward_total == computed_nodes<Loss>());  // every computed node, once
  BOOST_TEST(backward_total > 0u);
  BOOST_TEST(backward_total <= forward_total);
  BOOST_TEST_MESSAGE(forward_total << " nodes forward, " << backward_total << " backward");
}

constexpr auto X = input<"X", 2, 8>;
constexpr auto Y = input<"Y", 2, 8>;
constexpr auto W = param<"W", 8, 8>;

template <int I>
constexpr auto weights =
    param<detail::fixed_string<3>{{'W', char('a' + I / 10), char('0' + I % 10)}}, 8, 8>;
template <int I>
constexpr auto bias =
    param<detail::fixed_string<3>{{'b', char('a' + I / 10), char('0' + I % 10)}}, 8>;

template <int Depth> constexpr auto chain() {
  if constexpr (Depth == 0) {
    return X;
  } else {
    return relu(dense(chain<Depth - 1>(), weights<Depth>, bias<Depth>));
  }
}

BOOST_AUTO_TEST_CASE(deep_chain) {
  constexpr auto loss = mse(chain<24>(), Y);
  auto ps = params<float>(loss);
  test::fill_normal(ps, 1);
  auto const x = test::normal_tensor<float, shape<2, 8>>(2);
  auto const y = test::normal_tensor<float, shape<2, 8>>(3);
  expect_once(loss, ps, X = x, Y = y);
  // Exactly: 24 dense + 24 relu + the mse's sub, pow, sum and scale, each backward once.
  BOOST_TEST(backward_counts.size() == topological_order_t<decltype(loss)>::size);
}

BOOST_AUTO_TEST_CASE(fan_out) {
  constexpr auto h = tanh(dense(X, W, bias<1>));
  constexpr auto k = h * h + sigmoid(h) + dense(h, W, bias<2>);  // h used four times
  constexpr auto loss = mse(k * h, Y);
  auto ps = params<double>(loss);
  test::fill_normal(ps, 4);
  auto const x = test::normal_tensor<double, shape<2, 8>>(5);
  auto const y = test::normal_tensor<double, shape<2, 8>>(6);
  expect_once(loss, ps, X = x, Y = y);
  std::size_t const h_index =
      detail::index_of_v<topological_order_t<decltype(loss)>, std::remove_cv_t<decltype(h)>>;
  BOOST_TEST(backward_counts.at(h_index) == 1);
}
