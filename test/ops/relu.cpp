// SPDX-License-Identifier: BSL-1.0
#define BOOST_TEST_MODULE ops.relu
#include "support/derivative_check.hpp"

using namespace ctgrad;
using namespace ctgrad::literals;
using ctgrad::test::check_derivative;
using ctgrad::test::check_derivative_at;
using ctgrad::test::linspace;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;

BOOST_AUTO_TEST_CASE(rule_and_convention_at_zero) {
  BOOST_TEST(to_string(d(relu(x), x)) == "(x > 0)");
  static_assert(eval(d(relu(x), x), x = 0.0) == 0.0);  // documented: relu'(0) = 0
  static_assert(eval(d(relu(x), x), x = -0.0) == 0.0);
  static_assert(eval(d(relu(x), x), x = 1e-300) == 1.0);
  BOOST_TEST(to_string(d(d(relu(x), x), x)) == "0");
}

BOOST_AUTO_TEST_CASE(matches_central_differences_away_from_the_kink) {
  check_derivative_at(relu(x), x, linspace(-5, -0.05, 40));
  check_derivative_at(relu(x), x, linspace(0.05, 5, 40));
  check_derivative_at(x * relu(x * y), x, linspace(-5, 5, 40), y = 1.5);
}

BOOST_AUTO_TEST_CASE(values_and_nan) {
  static_assert(eval(relu(x), x = -2.0) == 0.0);
  static_assert(eval(relu(x), x = 2.0) == 2.0);
  BOOST_TEST(std::isnan(eval(relu(x), x = std::nan(""))));
  static_assert(__is_same(decltype(relu(-2_c)), zero_t));
}
