// SPDX-License-Identifier: BSL-1.0
#define BOOST_TEST_MODULE ops.sigmoid
#include "support/derivative_check.hpp"

using namespace ctgrad;
using namespace ctgrad::literals;
using ctgrad::test::check_derivative;
using ctgrad::test::check_derivative_at;
using ctgrad::test::linspace;
constexpr auto x = var<"x">;

BOOST_AUTO_TEST_CASE(rule_reuses_the_output) {
  BOOST_TEST(to_string(d(sigmoid(x), x)) == "sigmoid(x)*(1 - sigmoid(x))");
  static_assert(__is_same(decltype(sigmoid(zero_t{})), constant_node<1, 2>));
}

BOOST_AUTO_TEST_CASE(matches_central_differences) {
  check_derivative_at(sigmoid(x), x, linspace(-15, 15, 151));
  check_derivative(sigmoid(x), x, {0.0, 1e-300, 30.0, -30.0, -700.0});
}

BOOST_AUTO_TEST_CASE(stable_for_large_inputs) {
  BOOST_TEST(eval(sigmoid(x), x = 1e4) == 1.0);
  BOOST_TEST(eval(sigmoid(x), x = -1e4) == 0.0);
  BOOST_TEST(eval(d(sigmoid(x), x), x = 1e4) == 0.0);
  BOOST_TEST(eval(d(sigmoid(x), x), x = -1e4) == 0.0);
  BOOST_TEST(eval(sigmoid(x), x = -40.0) > 0.0);      // e^-40 / (1 + e^-40), not 0
  BOOST_TEST(eval(sigmoid(x), x = -100.0f) == 0.0f);  // float: exp(100) is +inf, 1/inf = 0
  BOOST_TEST(eval(sigmoid(x), x = -80.0f) > 0.0f);
  // Constant evaluation takes the branch that never forms an infinity.
  static_assert(eval(sigmoid(x), x = -1e4) == 0.0);
  static_assert(eval(sigmoid(x), x = 1e4) == 1.0);
  static_assert(eval(d(sigmoid(x), x), x = -1e4) == 0.0);
}

BOOST_AUTO_TEST_CASE(constant_evaluation) {
  static_assert(eval(d(sigmoid(x), x), x = 0.0) == 0.25);
}
