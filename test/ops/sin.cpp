// SPDX-License-Identifier: BSL-1.0
#define BOOST_TEST_MODULE ops.sin
#include "support/derivative_check.hpp"

using namespace ctgrad;
using namespace ctgrad::literals;
using ctgrad::test::check_derivative;
using ctgrad::test::check_derivative_at;
using ctgrad::test::linspace;
constexpr auto x = var<"x">;

BOOST_AUTO_TEST_CASE(rule) {
  BOOST_TEST(to_string(d(sin(x), x)) == "cos(x)");
  BOOST_TEST(to_string(d(d(sin(x), x), x)) == "-sin(x)");
  static_assert(__is_same(decltype(sin(zero_t{})), zero_t));
}

BOOST_AUTO_TEST_CASE(matches_central_differences) {
  check_derivative_at(sin(x), x, linspace(-10, 10, 201));
  check_derivative(sin(x), x, {0.0, 1e-300, 1e5, -1e5});
}

BOOST_AUTO_TEST_CASE(constant_evaluation) { static_assert(eval(d(sin(x), x), x = 0.0) == 1.0); }
