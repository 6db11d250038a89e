// SPDX-License-Identifier: BSL-1.0
// The runtime tape follows the same numerics policy as the compile-time engine for the
// losses: cross_entropy on probabilities takes log 0 as -100 with gradient
// -y / max(p, 1e-12), and the fused softmax cross-entropy skips y_j = 0 terms (a -inf logit).
#define BOOST_TEST_MODULE numerics.tape_losses
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/tape/losses.hpp>
#include <ctgrad/tape/softmax.hpp>

#include <cmath>
#include <limits>
#include <tuple>

using float_types = std::tuple<float, double>;

BOOST_AUTO_TEST_CASE_TEMPLATE(cross_entropy_of_a_zero_probability, T, float_types) {
  using ctgrad::shape;
  using ctgrad::tensor;
  for (int target : {0, 1}) {
    ctgrad::tape::recorder<T> t;
    auto p = t.variable(tensor<T, shape<1, 3>>{{T(0), T(0.25), T(0.75)}});
    tensor<T, shape<1, 3>> yv{};
    yv.data[static_cast<std::size_t>(target)] = 1;
    auto y = t.constant(yv);
    T const value = t.backward(cross_entropy(p, y));
    auto const g = t.grad(p);
    // The compile-time engine, for the same numbers.
    constexpr auto P = ctgrad::param<"p", 1, 3>;
    constexpr auto Y = ctgrad::input<"y", 1, 3>;
    ctgrad::var_set<T, decltype(P)> ps;
    ps[P].data = {T(0), T(0.25), T(0.75)};
    T const expected = ctgrad::eval(ctgrad::cross_entropy(P, Y), ps, Y = yv);
    auto const ge = ctgrad::grad(ctgrad::cross_entropy(P, Y), ps, Y = yv);
    BOOST_TEST_CONTEXT("target " << target << " (" << sizeof(T) * 8 << "-bit)") {
      BOOST_TEST(value == (target == 0 ? T(100) : -std::log(T(0.25))));
      BOOST_TEST(g[0] == (target == 0 ? T(-1e12) : T(0)));
      BOOST_TEST(value == expected);
      for (std::size_t j = 0; j < 3; ++j) BOOST_TEST(g[j] == ge[P].data[j]);
    }
  }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(fused_cross_entropy_with_a_masked_class, T, float_types) {
  using ctgrad::shape;
  using ctgrad::tensor;
  ctgrad::tape::recorder<T> t;
  T const inf = std::numeric_limits<T>::infinity();
  auto z = t.variable(tensor<T, shape<1, 3>>{{-inf, T(0), T(0)}});
  auto y = t.constant(tensor<T, shape<1, 3>>{{T(0), T(1), T(0)}});
  T const value = t.backward(cross_entropy(softmax(z), y));
  BOOST_TEST(value == std::log(T(2)), boost::test_tools::tolerance(T(1e-6)));
  auto const g = t.grad(z);
  BOOST_TEST(g[0] == T(0));
  BOOST_TEST(g[1] == T(-0.5));
  BOOST_TEST(g[2] == T(0.5));
}
