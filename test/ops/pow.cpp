// SPDX-License-Identifier: BSL-1.0
#define BOOST_TEST_MODULE ops.pow
#include "support/derivative_check.hpp"

using namespace ctgrad;
using namespace ctgrad::literals;
using ctgrad::test::check_derivative;
using ctgrad::test::check_derivative_at;
using ctgrad::test::linspace;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;

BOOST_AUTO_TEST_CASE(rule_and_simplification) {
  BOOST_TEST(to_string(d(pow<3>(x), x)) == "3*x^2");
  BOOST_TEST(to_string(d(pow<-1>(x), x)) == "-x^(-2)");
  BOOST_TEST(to_string(pow<2>(pow<3>(x))) == "x^6");
  BOOST_TEST(to_string(pow(x, 2_c)) == "x^2");
  BOOST_TEST(to_string(pow<0>(x)) == "1");
  BOOST_TEST(to_string(pow<2>(x + y)) == "(x + y)^2");
  static_assert(__is_same(decltype(pow<-2>(2_c)), constant_node<1, 4>));
}

BOOST_AUTO_TEST_CASE(matches_central_differences) {
  check_derivative_at(pow<5>(x), x, linspace(-3, 3, 61));
  check_derivative_at(pow<-3>(x), x, linspace(0.2, 4, 39));
  check_derivative(square(x), x, {0.0, 1e-100, 1e100});
}

BOOST_AUTO_TEST_CASE(exact_integer_powers) {
  static_assert(eval(pow<10>(x), x = 2.0) == 1024.0);
  static_assert(eval(d(pow<10>(x), x), x = 2.0) == 5120.0);
  static_assert(eval(pow<-2>(x), x = 4.0) == 0.0625);
}
