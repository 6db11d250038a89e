// SPDX-License-Identifier: BSL-1.0
#define BOOST_TEST_MODULE ops.add
#include "support/derivative_check.hpp"

using namespace ctgrad;
using namespace ctgrad::literals;
using ctgrad::test::check_derivative;
using ctgrad::test::check_derivative_at;
using ctgrad::test::linspace;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;

BOOST_AUTO_TEST_CASE(rule_and_simplification) {
  BOOST_TEST(to_string(d(x + y, x)) == "1");
  BOOST_TEST(to_string(x + x) == "2*x");
  BOOST_TEST(to_string(x + 2_c * x) == "3*x");
  BOOST_TEST(to_string(x + (-y)) == "x - y");
  BOOST_TEST(to_string(0_c + x) == "x");
  static_assert(__is_same(decltype(1_c + 2_c), constant_node<3, 1>));
}

BOOST_AUTO_TEST_CASE(matches_central_differences) {
  check_derivative_at(x + y * x, x, linspace(-5, 5, 41), y = 0.75);
  check_derivative_at(x + y * x, y, linspace(-5, 5, 41), x = -1.5);
  check_derivative(x + x + x, x, {0.0, 1e-300, -1e300, 1e300});
}

BOOST_AUTO_TEST_CASE(constant_evaluation) {
  static_assert(eval(d(x * x + y, x), x = 3.0, y = 1.0) == 6.0);
  static_assert(eval(x + y, x = 1.5f, y = 2.5f) == 4.0f);
}
