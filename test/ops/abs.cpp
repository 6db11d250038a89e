// SPDX-License-Identifier: BSL-1.0
#define BOOST_TEST_MODULE ops.abs
#include "support/derivative_check.hpp"

using namespace ctgrad;
using namespace ctgrad::literals;
using ctgrad::test::check_derivative;
using ctgrad::test::check_derivative_at;
using ctgrad::test::linspace;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;

BOOST_AUTO_TEST_CASE(rule_and_convention_at_zero) {
  BOOST_TEST(to_string(d(abs(x), x)) == "sign(x)");
  static_assert(eval(d(abs(x), x), x = 0.0) == 0.0);  // documented: |x|' at 0 is sign(0) = 0
  static_assert(eval(d(abs(x), x), x = -3.0) == -1.0);
  static_assert(__is_same(decltype(abs(-2_c)), constant_node<2, 1>));
  BOOST_TEST(to_string(d(d(abs(x), x), x)) == "0");
}

BOOST_AUTO_TEST_CASE(matches_central_differences_away_from_the_kink) {
  check_derivative_at(abs(x * x - y), x, linspace(-3, 3, 60), y = 2.0);
}

BOOST_AUTO_TEST_CASE(negative_zero_and_nan) {
  BOOST_TEST(!std::signbit(eval(abs(x), x = -0.0)));
  BOOST_TEST(std::isnan(eval(d(abs(x), x), x = std::nan(""))));
}
