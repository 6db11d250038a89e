// SPDX-License-Identifier: BSL-1.0
#define BOOST_TEST_MODULE ops.neg
#include "support/derivative_check.hpp"

using namespace ctgrad;
using namespace ctgrad::literals;
using ctgrad::test::check_derivative;
using ctgrad::test::check_derivative_at;
using ctgrad::test::linspace;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;

BOOST_AUTO_TEST_CASE(rule_and_simplification) {
  BOOST_TEST(to_string(d(-x, x)) == "-1");
  BOOST_TEST(to_string(-(-x)) == "x");
  BOOST_TEST(to_string(-(2_c * x)) == "-2*x");
  BOOST_TEST(to_string(-(x - y)) == "y - x");
  BOOST_TEST(to_string(-(x + y)) == "-(x + y)");
  BOOST_TEST(to_string(d(-(x * x), x)) == "-2*x");
}

BOOST_AUTO_TEST_CASE(matches_central_differences) {
  check_derivative_at(-(x * y), x, linspace(-5, 5, 41), y = 1.25);
}

BOOST_AUTO_TEST_CASE(negative_zero) {
  BOOST_TEST(std::signbit(eval(-x, x = 0.0)));
  static_assert(eval(-x, x = 2.0) == -2.0);
}
