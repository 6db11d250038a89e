// SPDX-License-Identifier: BSL-1.0
#define BOOST_TEST_MODULE ops.exp
#include "support/derivative_check.hpp"

using namespace ctgrad;
using ctgrad::test::check_derivative;
using ctgrad::test::check_derivative_at;
using ctgrad::test::linspace;
constexpr auto x = var<"x">;

BOOST_AUTO_TEST_CASE(derivative_is_the_function_itself) {
  static_assert(__is_same(decltype(d(exp(x), x)), decltype(exp(x))));
  BOOST_TEST(to_string(d(exp(x), x)) == "exp(x)");
}

BOOST_AUTO_TEST_CASE(matches_central_differences) {
  check_derivative_at(exp(x), x, linspace(-20, 20, 161));
  check_derivative(exp(x), x, {0.0, 1e-300, -1e-300, -700.0, 700.0, -745.0});
}

BOOST_AUTO_TEST_CASE(overflow_gives_infinity_not_nan) {
  BOOST_TEST(std::isinf(eval(d(exp(x), x), x = 710.0)));
  BOOST_TEST(eval(d(exp(x), x), x = -1000.0) == 0.0);
}

BOOST_AUTO_TEST_CASE(constant_evaluation) {
  static_assert(eval(d(exp(x), x), x = 0.0) == 1.0);
  static_assert(eval(exp(x), x = 1.0) > 2.718281828459045 - 1e-15 &&
                eval(exp(x), x = 1.0) < 2.718281828459045 + 1e-15);
  static_assert(__is_same(decltype(exp(zero_t{})), one_t));
}

BOOST_AUTO_TEST_CASE(float_evaluation) {
  float const v = eval(d(exp(x), x), x = 1.5f);
  BOOST_TEST(v == std::exp(1.5f), boost::test_tools::tolerance(1e-6f));
}
