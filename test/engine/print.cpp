// SPDX-License-Identifier: BSL-1.0
#define BOOST_TEST_MODULE core.print
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

using namespace ctgrad;
using namespace ctgrad::literals;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto z = var<"z">;

BOOST_AUTO_TEST_CASE(only_the_parentheses_precedence_needs) {
  BOOST_TEST(to_string(x + y * z) == "x + y*z");
  BOOST_TEST(to_string((x + y) * z) == "(x + y)*z");
  BOOST_TEST(to_string(x - (y + z)) == "x - (y + z)");
  BOOST_TEST(to_string((x - y) + z) == "x - y + z");
  BOOST_TEST(to_string(x / (y * z)) == "x/(y*z)");
  BOOST_TEST(to_string(pow<2>(x * y)) == "(x*y)^2");
  BOOST_TEST(to_string(-(x + y)) == "-(x + y)");
  BOOST_TEST(to_string(sin(x + y) * cos(x)) == "sin(x + y)*cos(x)");
  BOOST_TEST(to_string(pow<-1>(x)) == "x^(-1)");
}

BOOST_AUTO_TEST_CASE(constants) {
  BOOST_TEST(to_string(0.25_c) == "1/4");
  BOOST_TEST(to_string(-3_c) == "-3");
  BOOST_TEST(to_string(x - 3_c) == "x - 3");
  BOOST_TEST(to_string(x + (-3_c)) == "x - 3");
  BOOST_TEST(to_string(pow<2>(-3_c)) == "9");
  BOOST_TEST(to_string(constant<1, 2> * x) == "1/2*x");
}

BOOST_AUTO_TEST_CASE(names_and_tuples) {
  BOOST_TEST(to_string(var<"weight"> * var<"input">) == "weight*input");
  BOOST_TEST(to_string(named<"h">(x * y) + x) == "h + x");
  BOOST_TEST(to_string(grad(x * y, x, y)) == "(y, x)");
  BOOST_TEST(to_string(relu(x) * step(x)) == "relu(x)*(x > 0)");
}
