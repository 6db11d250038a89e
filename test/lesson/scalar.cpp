// SPDX-License-Identifier: BSL-1.0
// The lesson's worked scalar examples (seeds/), at compile time and at run time.
#define BOOST_TEST_MODULE lesson.scalar
#include "support/derivative_check.hpp"

#include <cmath>

using namespace ctgrad;
using namespace ctgrad::literals;

constexpr bool near(double a, double b, double tol) { return a - b <= tol && b - a <= tol; }

// Chain rule: z = x², y = sin z, L = y²  ->  dL/dx = 2y · cos z · 2x.
BOOST_AUTO_TEST_CASE(chain_rule) {
  constexpr auto x = var<"x">;
  constexpr auto z = named<"z">(pow<2>(x));
  constexpr auto y = named<"y">(sin(z));
  constexpr auto L = pow<2>(y);
  BOOST_TEST(to_string(d(L, x)) == "4*y*cos(z)*x");  // 2y · cos z · 2x, constants gathered
  BOOST_TEST(to_string(d(L, y)) == "2*y");
  BOOST_TEST(to_string(d(L, z)) == "2*y*cos(z)");

  constexpr double at = 1.3;
  constexpr double derived = eval(d(L, x), x = at);
  double const by_hand = 2 * std::sin(at * at) * std::cos(at * at) * 2 * at;
  BOOST_TEST(derived == by_hand, boost::test_tools::tolerance(1e-14));
  static_assert(near(derived, -0.614003833811933, 1e-12));  // 2 sin(1.69) cos(1.69) 2.6
  ctgrad::test::check_derivative(L, x, {-2.0, -0.5, 0.0, 0.7, 1.3, 3.0});
}

// Exercise 1: x -> z = 3x + 1 -> a = relu(z) -> L = a²;  dL/dx = 2a · 1 · 3 = 42 at x = 2.
BOOST_AUTO_TEST_CASE(exercise_1_relu_square) {
  constexpr auto x = var<"x">;
  constexpr auto L = pow<2>(relu(3_c * x + 1_c));
  static_assert(eval(L, x = 2.0) == 49.0);
  static_assert(eval(d(L, x), x = 2.0) == 42.0);
  double const h = 1e-5;
  double const numeric = (eval(L, x = 2.0 + h) - eval(L, x = 2.0 - h)) / (2 * h);
  BOOST_TEST(numeric == 42.0, boost::test_tools::tolerance(1e-9));
  static_assert(eval(d(L, x), x = -1.0) == 0.0);  // relu inactive: no gradient
}

// Exercise 2: z = w·x + b, a = σ(z), L = (a - y)² with w = 0.5, b = 0.1, x = 1, y = 0.8.
BOOST_AUTO_TEST_CASE(exercise_2_single_neuron) {
  constexpr auto w = var<"w">;
  constexpr auto b = var<"b">;
  constexpr auto x = var<"x">;
  constexpr auto y = var<"y">;
  constexpr auto a = sigmoid(w * x + b);
  constexpr auto L = pow<2>(a - y);
  constexpr auto g = eval(grad(L, w, b), w = 0.5, b = 0.1, x = 1.0, y = 0.8);
  static_assert(near(g[0], -0.0706, 5e-5));  // dL/dw, the lesson's value
  static_assert(near(g[1], -0.0706, 5e-5));  // dL/db
  static_assert(g[0] == g[1]);               // x = 1, so dL/dw = dL/db · x = dL/db

  double const av = 1 / (1 + std::exp(-0.6));
  double const by_hand = 2 * (av - 0.8) * av * (1 - av);
  BOOST_TEST(g[0] == by_hand, boost::test_tools::tolerance(1e-14));
  BOOST_TEST(g[0] == -0.0706228, boost::test_tools::tolerance(1e-5));
  ctgrad::test::check_derivative(L, w, {0.5}, b = 0.1, x = 1.0, y = 0.8);
  ctgrad::test::check_derivative(L, b, {0.1}, w = 0.5, x = 1.0, y = 0.8);
}

// The computation graph x = 2, y = x², z = 3y  ->  dz/dx = 12.
BOOST_AUTO_TEST_CASE(computation_graph) {
  constexpr auto x = var<"x">;
  constexpr auto y = named<"y">(pow<2>(x));
  constexpr auto z = 3_c * y;
  static_assert(eval(d(z, x), x = 2.0) == 12.0);
  static_assert(eval(d(z, y), x = 2.0) == 3.0);
  BOOST_TEST(to_string(d(z, x)) == "6*x");
}
