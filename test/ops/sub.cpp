// SPDX-License-Identifier: BSL-1.0
#define BOOST_TEST_MODULE ops.sub
#include "support/derivative_check.hpp"

using namespace ctgrad;
using namespace ctgrad::literals;
using ctgrad::test::check_derivative;
using ctgrad::test::check_derivative_at;
using ctgrad::test::linspace;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;

BOOST_AUTO_TEST_CASE(rule_and_simplification) {
  BOOST_TEST(to_string(d(x - y, y)) == "-1");
  BOOST_TEST(to_string(x - x) == "0");
  BOOST_TEST(to_string(3_c * x - x) == "2*x");
  BOOST_TEST(to_string(x - (-y)) == "x + y");
  BOOST_TEST(to_string(0_c - x) == "-x");
  // Like terms are collected across the inner difference (ops/sum_rules.hpp).
  BOOST_TEST(to_string(x - (y - x)) == "2*x - y");
}

BOOST_AUTO_TEST_CASE(matches_central_differences) {
  check_derivative_at(x - y * y, y, linspace(-5, 5, 41), x = 2.0);
  check_derivative_at(x * x - y, x, linspace(-5, 5, 41), y = -3.0);
}

BOOST_AUTO_TEST_CASE(constant_evaluation) {
  static_assert(eval(d(x * x - 3_c * x, x), x = 2.0) == 1.0);
}
