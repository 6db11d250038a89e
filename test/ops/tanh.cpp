// SPDX-License-Identifier: BSL-1.0
#define BOOST_TEST_MODULE ops.tanh
#include "support/derivative_check.hpp"

using namespace ctgrad;
using namespace ctgrad::literals;
using ctgrad::test::check_derivative;
using ctgrad::test::check_derivative_at;
using ctgrad::test::linspace;
constexpr auto x = var<"x">;

BOOST_AUTO_TEST_CASE(rule_reuses_the_output) {
  BOOST_TEST(to_string(d(tanh(x), x)) == "1 - tanh(x)^2");
}

BOOST_AUTO_TEST_CASE(matches_central_differences) {
  check_derivative_at(tanh(x), x, linspace(-8, 8, 161));
  check_derivative(tanh(x), x, {0.0, 1e-300, 20.0, -20.0});
}

BOOST_AUTO_TEST_CASE(saturates_without_overflow) {
  for (double v : {1e4, -1e4, 1e300, -1e300}) {
    BOOST_TEST(std::fabs(eval(tanh(x), x = v)) == 1.0);
    BOOST_TEST(eval(d(tanh(x), x), x = v) == 0.0);
  }
  BOOST_TEST(std::signbit(eval(tanh(x), x = -0.0)));
}

BOOST_AUTO_TEST_CASE(constant_evaluation) { static_assert(eval(d(tanh(x), x), x = 0.0) == 1.0); }
