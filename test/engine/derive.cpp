// SPDX-License-Identifier: BSL-1.0
#define BOOST_TEST_MODULE core.derive
#include "support/derivative_check.hpp"

using namespace ctgrad;
using namespace ctgrad::literals;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;

BOOST_AUTO_TEST_CASE(derivative_is_an_ordinary_expression_type) {
  using df = decltype(d(x * x, x));
  static_assert(Expression<df>);
  static_assert(__is_same(df, mul_node<constant_node<2, 1>, std::remove_const_t<decltype(x)>>));
}

BOOST_AUTO_TEST_CASE(independent_variable_gives_zero) {
  static_assert(__is_same(decltype(d(sin(y), x)), zero_t));
  static_assert(__is_same(decltype(d(3_c, x)), zero_t));
  static_assert(__is_same(decltype(d(x, x)), one_t));
}

BOOST_AUTO_TEST_CASE(fan_out_adjoints_are_summed) {
  // x feeds three places; its adjoint is the sum of the three contributions.
  constexpr auto f = sin(x) * x + exp(x);
  BOOST_TEST(to_string(d(f, x)) == "x*cos(x) + sin(x) + exp(x)");
  ctgrad::test::check_derivative(f, x, {-2.0, 0.0, 0.5, 3.0});
}

BOOST_AUTO_TEST_CASE(grad_shares_one_sweep) {
  constexpr auto f = x * y + sin(x) * y;
  constexpr auto g = grad(f, x, y);
  BOOST_TEST(to_string(g) == "(y + y*cos(x), x + sin(x))");
  constexpr auto v = eval(g, x = 0.0, y = 2.0);
  static_assert(v.size() == 2 && v[0] == 4.0 && v[1] == 0.0);
}

BOOST_AUTO_TEST_CASE(second_and_third_derivatives) {
  constexpr auto f = pow<4>(x);
  BOOST_TEST(to_string(d(d(f, x), x)) == "12*x^2");
  BOOST_TEST(to_string(d(d(d(f, x), x), x)) == "24*x");
  static_assert(eval(d(d(d(f, x), x), x), x = 2.0) == 48.0);
  // (e^x sin x)'' = 2 e^x cos x
  ctgrad::test::check_derivative(d(exp(x) * sin(x), x), x, {-1.0, 0.0, 0.4, 2.0});
}

BOOST_AUTO_TEST_CASE(hessian_of_a_small_function) {
  constexpr auto f = x * x * y + exp(y);
  constexpr auto h = hessian(f, x, y);
  BOOST_TEST(to_string(h) == "((2*y, 2*x), (2*x, exp(y)))");
  constexpr auto v = eval(h, x = 3.0, y = 0.0);
  static_assert(v[0][0] == 0.0 && v[0][1] == 6.0 && v[1][0] == 6.0 && v[1][1] == 1.0);
}

BOOST_AUTO_TEST_CASE(with_respect_to_a_named_intermediate) {
  constexpr auto z = named<"z">(x * y);
  constexpr auto L = pow<2>(tanh(z));
  BOOST_TEST(to_string(d(L, z)) == "2*tanh(z)*(1 - tanh(z)^2)");
}

BOOST_AUTO_TEST_CASE(deep_chain_derives_and_evaluates) {
  // 12 nested sines: the derivative is a product of 12 cosines.
  constexpr auto s1 = sin(sin(sin(sin(x))));
  constexpr auto s2 = sin(sin(sin(sin(s1))));
  constexpr auto s3 = sin(sin(sin(sin(s2))));
  ctgrad::test::check_derivative(s3, x, {-1.0, 0.3, 1.2});
}
