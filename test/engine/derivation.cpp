// SPDX-License-Identifier: BSL-1.0
// The derivation of a scalar formula (explain, derivation): the lesson's exercises 1 and 2
// and its chain rule, printed line by line; the numbers against values worked by hand.
#define BOOST_TEST_MODULE engine.derivation
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include <cmath>
#include <string>
#include <type_traits>

using namespace ctgrad;
using namespace ctgrad::literals;

namespace {

constexpr bool near(double a, double b, double tol) { return a - b <= tol && b - a <= tol; }

constexpr auto x = var<"x">;
constexpr auto w = var<"w">;
constexpr auto b = var<"b">;
constexpr auto t = var<"t">;

// Exercise 1: x -> z = 3x + 1 -> a = relu(z) -> L = a^2.
constexpr auto z1 = named<"z">(3_c * x + 1_c);
constexpr auto a1 = named<"a">(relu(z1));
constexpr auto L1 = pow<2>(a1);

// Exercise 2: z = w*x + b, a = sigmoid(z), L = (a - t)^2.
constexpr auto z2 = named<"z">(w * x + b);
constexpr auto a2 = named<"a">(sigmoid(z2));
constexpr auto L2 = pow<2>(a2 - t);

// The chain rule: z = x^2, y = sin z, L = y^2.
constexpr auto z3 = named<"z">(pow<2>(x));
constexpr auto y3 = named<"y">(sin(z3));
constexpr auto L3 = pow<2>(y3);

// Exercise 1 at x = 2, by hand: z = 7, a = 7, L = 49, dL/da = 2a = 14, da/dz = 1,
// dz/dx = 3, dL/dx = 42. Checked while this file compiles.
constexpr auto D1 = derivation(L1, x = 2.0);
static_assert(D1.value("z") == 7.0 && D1.value("a") == 7.0 && D1.value("L") == 49.0);
static_assert(D1.adjoint("a") == 14.0);
static_assert(D1.local("a", "z") == 1.0 && D1.local("z", "x") == 3.0);
static_assert(D1.adjoint("z") == 14.0 && D1.adjoint("x") == 42.0);
static_assert(D1.derivative("x").derived == 42.0);
static_assert(near(D1.derivative("x").central, 42.0, 1e-6));

// Exercise 2 at the lesson's point, to the digits the issue gives.
constexpr auto D2 = derivation(L2, w = 0.5, b = 0.1, x = 1.0, t = 0.8);
static_assert(D2.value("z") == 0.6);
static_assert(near(D2.value("a"), 0.645656, 5e-7));
static_assert(near(D2.adjoint("a"), -0.308687, 5e-7));
static_assert(near(D2.adjoint("z"), -0.070623, 5e-7));
static_assert(D2.adjoint("w") == D2.adjoint("z") && D2.adjoint("b") == D2.adjoint("z"));

}  // namespace

BOOST_AUTO_TEST_CASE(exercise1_formulas) {
  std::string const text = explain(L1);
  BOOST_TEST_MESSAGE(text);
  BOOST_TEST(text ==
             "forward:\n"
             "  z = 3*x + 1\n"
             "  a = relu(z)\n"
             "  L = a^2\n"
             "backward (the chain rule, from L down):\n"
             "  dL/da = 2*a\n"
             "  da/dz = (z > 0)\n"
             "  dL/dz = dL/da*(z > 0)\n"
             "  dz/dx = 3\n"
             "  dL/dx = 3*dL/dz\n"
             "derivatives:\n"
             "  dL/dx = 6*a*(z > 0)\n");
}

BOOST_AUTO_TEST_CASE(exercise1_numbers) {
  std::string const text = explain(L1, x = 2.0);
  BOOST_TEST_MESSAGE(text);
  BOOST_TEST(text.starts_with("at x = 2\nforward:\n"));
  BOOST_TEST(text.find("  z = 3*x + 1             = 7\n") != std::string::npos);
  BOOST_TEST(text.find("  a = relu(z)             = 7\n") != std::string::npos);
  BOOST_TEST(text.find("  L = a^2                 = 49\n") != std::string::npos);
  BOOST_TEST(text.find("  dL/da = 2*a             = 14\n") != std::string::npos);
  BOOST_TEST(text.find("  da/dz = (z > 0)         = 1\n") != std::string::npos);
  BOOST_TEST(text.find("  dL/dz = dL/da*(z > 0)   = 14\n") != std::string::npos);
  BOOST_TEST(text.find("  dz/dx = 3               = 3\n") != std::string::npos);
  BOOST_TEST(text.find("  dL/dx = 3*dL/dz         = 42\n") != std::string::npos);
  BOOST_TEST(text.find("  dL/dx = 6*a*(z > 0)     = 42   central difference (h = 1e-05): 42, "
                       "relative error ") != std::string::npos);
  // The lesson's check: (L(x + h) - L(x - h)) / 2h with h = 1e-5, computed here by hand.
  auto const L = [](double v) { return (3 * v + 1) * (3 * v + 1); };
  double const central = (L(2.0 + 1e-5) - L(2.0 - 1e-5)) / 2e-5;
  BOOST_TEST(D1.derivative("x").central == central, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(D1.derivative("x").relative_error < 1e-9);
}

BOOST_AUTO_TEST_CASE(exercise2_formulas) {
  BOOST_TEST(explain(L2, w, b) ==
             "forward:\n"
             "  z = w*x + b\n"
             "  a = sigmoid(z)\n"
             "  L = (a - t)^2\n"
             "backward (the chain rule, from L down):\n"
             "  dL/da = 2*(a - t)\n"
             "  da/dz = a*(1 - a)\n"
             "  dL/dz = dL/da*a*(1 - a)\n"
             "  dz/dw = x\n"
             "  dL/dw = dL/dz*x\n"
             "  dz/db = 1\n"
             "  dL/db = dL/dz\n"
             "derivatives:\n"
             "  dL/dw = 2*(a - t)*a*(1 - a)*x\n"
             "  dL/db = 2*(a - t)*a*(1 - a)\n");
}

BOOST_AUTO_TEST_CASE(exercise2_numbers) {
  std::string const text = explain(L2, w = 0.5, b = 0.1, x = 1.0, t = 0.8);
  BOOST_TEST_MESSAGE(text);
  BOOST_TEST(text.starts_with("at w = 0.5, b = 0.1, x = 1, t = 0.8\nforward:\n"));
  BOOST_TEST(text.find("  z = w*x + b                     = 0.6\n") != std::string::npos);
  BOOST_TEST(text.find("  a = sigmoid(z)                  = 0.645656\n") != std::string::npos);
  BOOST_TEST(text.find("  dL/da = 2*(a - t)               = -0.308687\n") != std::string::npos);
  BOOST_TEST(text.find("  da/dz = a*(1 - a)               = 0.228784\n") != std::string::npos);
  BOOST_TEST(text.find("  dL/dz = dL/da*a*(1 - a)         = -0.0706228\n") != std::string::npos);
  BOOST_TEST(text.find("  dL/dw = dL/dz*x                 = -0.0706228\n") != std::string::npos);
  BOOST_TEST(text.find("  dL/db = dL/dz                   = -0.0706228\n") != std::string::npos);
  BOOST_TEST(text.find("  dL/dw = 2*(a - t)*a*(1 - a)*x   = -0.0706228   central difference "
                       "(h = 1e-05): -0.0706228, relative error ") != std::string::npos);

  // By hand, one local derivative at a time, nothing from ctgrad.
  double const z = 0.5 * 1.0 + 0.1, a = 1 / (1 + std::exp(-z));
  double const dL_da = 2 * (a - 0.8), dL_dz = dL_da * a * (1 - a);
  auto const tol = boost::test_tools::tolerance(1e-15);
  BOOST_TEST(D2.value("a") == a, tol);
  BOOST_TEST(D2.value("L") == (a - 0.8) * (a - 0.8), tol);
  BOOST_TEST(D2.local("a", "z") == a * (1 - a), tol);
  BOOST_TEST(D2.adjoint("a") == dL_da, tol);
  BOOST_TEST(D2.adjoint("z") == dL_dz, tol);
  BOOST_TEST(D2.adjoint("w") == dL_dz * 1.0, tol);
  BOOST_TEST(D2.adjoint("x") == dL_dz * 0.5, tol);
  BOOST_TEST(D2.adjoint("t") == -dL_da, tol);
  for (auto const& c : D2.checks) {
    BOOST_TEST(c.derived == D2.adjoint(c.wrt), tol);
    BOOST_TEST(c.relative_error < 1e-9);
  }
}

BOOST_AUTO_TEST_CASE(chain_rule_of_the_lesson) {
  BOOST_TEST(explain(L3) ==
             "forward:\n"
             "  z = x^2\n"
             "  y = sin(z)\n"
             "  L = y^2\n"
             "backward (the chain rule, from L down):\n"
             "  dL/dy = 2*y\n"
             "  dy/dz = cos(z)\n"
             "  dL/dz = dL/dy*cos(z)\n"
             "  dz/dx = 2*x\n"
             "  dL/dx = 2*dL/dz*x\n"
             "derivatives:\n"
             "  dL/dx = 4*y*cos(z)*x\n");
  constexpr double at = 1.3;
  auto const D = derivation(L3, x = at);
  double const z = at * at, y = std::sin(z);
  auto const tol = boost::test_tools::tolerance(1e-14);
  BOOST_TEST(D.adjoint("y") == 2 * y, tol);
  BOOST_TEST(D.adjoint("z") == 2 * y * std::cos(z), tol);
  BOOST_TEST(D.adjoint("x") == 2 * y * std::cos(z) * 2 * at, tol);
}

// Unnamed arguments of functions are steps t1, t2, ... in the order they are computed.
BOOST_AUTO_TEST_CASE(automatic_names) {
  BOOST_TEST(explain(pow<2>(sin(pow<2>(x)))) ==
             "forward:\n"
             "  t1 = x^2\n"
             "  L = sin(t1)^2\n"
             "backward (the chain rule, from L down):\n"
             "  dL/dt1 = 2*sin(t1)*cos(t1)\n"
             "  dt1/dx = 2*x\n"
             "  dL/dx = 2*dL/dt1*x\n"
             "derivatives:\n"
             "  dL/dx = 4*sin(x^2)*cos(x^2)*x\n");
}

// A step used twice receives the sum of both contributions, and each local derivative is
// partial: dL/dz holds a fixed, so L = a*z gives a, not a + z*da/dz.
BOOST_AUTO_TEST_CASE(fan_out_sums_partial_derivatives) {
  constexpr auto z = named<"z">(pow<2>(x));
  constexpr auto a = named<"a">(sin(z));
  constexpr auto L = a * z;
  std::string const text = explain(L);
  BOOST_TEST_MESSAGE(text);
  BOOST_TEST(text.find("  dL/da = z\n") != std::string::npos);
  BOOST_TEST(text.find("  da/dz = cos(z)\n"
                       "  dL/dz directly = a\n"
                       "  dL/dz = dL/da*cos(z) + a\n") != std::string::npos);
  constexpr double at = 0.7;
  auto const D = derivation(L, x = at);
  double const zv = at * at;
  double const by_hand = (std::cos(zv) * zv + std::sin(zv)) * 2 * at;  // d(z sin z)/dz dz/dx
  BOOST_TEST(D.adjoint("x") == by_hand, boost::test_tools::tolerance(1e-14));
  BOOST_TEST(D.local("L", "z") == std::sin(zv), boost::test_tools::tolerance(1e-15));
}

// Bound to floats, the table is in float and the central difference is still taken in
// double, so the check measures float's rounding (about 1e-7), not the step's.
BOOST_AUTO_TEST_CASE(float_values) {
  constexpr auto D = derivation(L2, w = 0.5f, b = 0.1f, x = 1.0f, t = 0.8f);
  static_assert(std::is_same_v<std::remove_cvref_t<decltype(D.value("a"))>, float>);
  BOOST_TEST(D.adjoint("z") == static_cast<float>(D2.adjoint("z")),
             boost::test_tools::tolerance(1e-6f));
  for (auto const& c : D.checks) BOOST_TEST(c.relative_error < 1e-6f);
}
