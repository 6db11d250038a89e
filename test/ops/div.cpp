// SPDX-License-Identifier: BSL-1.0
#define BOOST_TEST_MODULE ops.div
#include "support/derivative_check.hpp"

using namespace ctgrad;
using namespace ctgrad::literals;
using ctgrad::test::check_derivative;
using ctgrad::test::check_derivative_at;
using ctgrad::test::linspace;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;

BOOST_AUTO_TEST_CASE(rule_and_simplification) {
  BOOST_TEST(to_string(d(x / y, x)) == "1/y");
  BOOST_TEST(to_string(d(x / y, y)) == "-x/y^2");
  BOOST_TEST(to_string(x / x) == "1");
  BOOST_TEST(to_string(x / 2_c) == "1/2*x");
  BOOST_TEST(to_string(x / (y * y)) == "x/y^2");
  static_assert(__is_same(decltype(1_c / 3_c * 3_c), one_t));
}

BOOST_AUTO_TEST_CASE(matches_central_differences) {
  check_derivative_at(x / y, y, linspace(0.1, 10, 50), x = 1.5);
  check_derivative_at(x / y, y, linspace(-10, -0.1, 50), x = -2.5);
  check_derivative_at(x / y, x, linspace(-10, 10, 51), y = 0.3);
  check_derivative(1_c / x, x, {1e-150, -1e-150, 1e150});
}

BOOST_AUTO_TEST_CASE(pole) {
  BOOST_TEST(std::isinf(eval(d(1_c / x, x), x = 0.0)));
  static_assert(eval(d(x / y, y), x = 1.0, y = 2.0) == -0.25);
}
