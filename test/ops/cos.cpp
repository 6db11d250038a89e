// SPDX-License-Identifier: BSL-1.0
#define BOOST_TEST_MODULE ops.cos
#include "support/derivative_check.hpp"

using namespace ctgrad;
using namespace ctgrad::literals;
using ctgrad::test::check_derivative;
using ctgrad::test::check_derivative_at;
using ctgrad::test::linspace;
constexpr auto x = var<"x">;

BOOST_AUTO_TEST_CASE(rule) {
  BOOST_TEST(to_string(d(cos(x), x)) == "-sin(x)");
  BOOST_TEST(to_string(d(d(cos(x), x), x)) == "-cos(x)");
  static_assert(__is_same(decltype(cos(zero_t{})), one_t));
}

BOOST_AUTO_TEST_CASE(matches_central_differences) {
  check_derivative_at(cos(x), x, linspace(-10, 10, 201));
  check_derivative(cos(x), x, {0.0, 1e-300, 1e5, -1e5});
}

BOOST_AUTO_TEST_CASE(constant_evaluation) { static_assert(eval(d(cos(x), x), x = 0.0) == 0.0); }
