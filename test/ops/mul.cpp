// SPDX-License-Identifier: BSL-1.0
#define BOOST_TEST_MODULE ops.mul
#include "support/derivative_check.hpp"

using namespace ctgrad;
using namespace ctgrad::literals;
using ctgrad::test::check_derivative;
using ctgrad::test::check_derivative_at;
using ctgrad::test::linspace;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;

BOOST_AUTO_TEST_CASE(rule_and_simplification) {
  BOOST_TEST(to_string(d(x * x, x)) == "2*x");
  BOOST_TEST(to_string(d(x * y, x)) == "y");
  BOOST_TEST(to_string(x * x * x) == "x^3");
  BOOST_TEST(to_string(d(x * x * x, x)) == "3*x^2");
  BOOST_TEST(to_string(x * 2_c) == "2*x");
  BOOST_TEST(to_string(2_c * (3_c * x)) == "6*x");
  BOOST_TEST(to_string(0_c * x) == "0");
  BOOST_TEST(to_string(1_c * x) == "x");
  BOOST_TEST(to_string((-1_c) * x) == "-x");
  BOOST_TEST(to_string((-x) * y) == "-x*y");
  BOOST_TEST(to_string((x + y) * (x - y)) == "(x + y)*(x - y)");
}

BOOST_AUTO_TEST_CASE(matches_central_differences) {
  check_derivative_at(x * y * x, x, linspace(-10, 10, 81), y = -0.5);
  check_derivative_at(x * y * x, y, linspace(-10, 10, 81), x = 3.0);
  check_derivative(x * x, x, {0.0, 1e-150, -1e-150, 1e150});
}

BOOST_AUTO_TEST_CASE(constant_evaluation) {
  static_assert(eval(d(x * y, y), x = 4.0, y = 1.0) == 4.0);
}
