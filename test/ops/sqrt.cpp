// SPDX-License-Identifier: BSL-1.0
#define BOOST_TEST_MODULE ops.sqrt
#include "support/derivative_check.hpp"

using namespace ctgrad;
using namespace ctgrad::literals;
using ctgrad::test::check_derivative;
using ctgrad::test::check_derivative_at;
using ctgrad::test::linspace;
constexpr auto x = var<"x">;

BOOST_AUTO_TEST_CASE(rule_reuses_the_output) {
  BOOST_TEST(to_string(d(sqrt(x), x)) == "1/(2*sqrt(x))");
}

BOOST_AUTO_TEST_CASE(matches_central_differences) {
  check_derivative_at(sqrt(x), x, linspace(0.01, 100, 200));
  check_derivative(sqrt(x), x, {1e-300, 1e300});
}

BOOST_AUTO_TEST_CASE(domain_limits) {
  BOOST_TEST(std::isinf(eval(d(sqrt(x), x), x = 0.0)));
  BOOST_TEST(std::isnan(eval(sqrt(x), x = -1.0)));
  static_assert(eval(sqrt(x), x = 16.0) == 4.0);
  static_assert(eval(d(sqrt(x), x), x = 4.0) == 0.25);
}
