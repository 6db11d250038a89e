// SPDX-License-Identifier: BSL-1.0
#define BOOST_TEST_MODULE ops.log
#include "support/derivative_check.hpp"

using namespace ctgrad;
using namespace ctgrad::literals;
using ctgrad::test::check_derivative;
using ctgrad::test::check_derivative_at;
using ctgrad::test::linspace;
constexpr auto x = var<"x">;

BOOST_AUTO_TEST_CASE(rule_and_simplification) {
  BOOST_TEST(to_string(d(log(x), x)) == "1/x");
  BOOST_TEST(to_string(log(exp(x))) == "x");
  static_assert(__is_same(decltype(log(one_t{})), zero_t));
}

BOOST_AUTO_TEST_CASE(matches_central_differences) {
  check_derivative_at(log(x), x, linspace(0.01, 100, 200));
  check_derivative(log(x), x, {1e-300, 1e-10, 1.0, 1e300});
}

BOOST_AUTO_TEST_CASE(domain_limits) {
  BOOST_TEST(std::isinf(eval(log(x), x = 0.0)));
  BOOST_TEST(std::isinf(eval(d(log(x), x), x = 0.0)));
  BOOST_TEST(std::isnan(eval(log(x), x = -1.0)));
}

BOOST_AUTO_TEST_CASE(constant_evaluation) {
  static_assert(eval(d(log(x), x), x = 4.0) == 0.25);
  static_assert(eval(log(x), x = 1.0) == 0.0);
}
