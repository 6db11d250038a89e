// SPDX-License-Identifier: BSL-1.0
// The lesson's chain-rule example, step by step:
//   x -> z = x^2 -> y = sin z -> L = y^2,     dL/dx = dL/dy * dy/dz * dz/dx = 2y * cos z * 2x
// The compiler derives every derivative below (each is a type, printed with to_string); the
// program evaluates the forward values, the local derivatives and their running product at
// one point, and checks the result against the hand formula and a central difference.
//   chain_rule [--x 1.3] [--h 1e-5]
#include <ctgrad/ctgrad.hpp>

#include <CLI/CLI.hpp>

#include "cli_options.hpp"

#include <cmath>
#include <cstdio>
#include <string>

using namespace ctgrad;

namespace {

constexpr auto x = var<"x">;
// named: the derived formulas say z and y instead of repeating x^2 and sin(x^2).
constexpr auto z = named<"z">(pow<2>(x));
constexpr auto y = named<"y">(sin(z));
constexpr auto L = pow<2>(y);

// The value the tests check (test/lesson/scalar.cpp), here at compile time: 2 sin(1.69)
// cos(1.69) 2.6. Nothing below depends on it; it shows the derivative is a constexpr value.
constexpr double lesson_x = 1.3;
constexpr double lesson_dLdx = eval(d(L, x), x = lesson_x);
static_assert(lesson_dLdx - -0.614003833811933 < 1e-12 && -0.614003833811933 - lesson_dLdx < 1e-12);

void line(char const* what, std::string const& formula, double value) {
  std::printf("  %-8s = %-14s = % .12f\n", what, formula.c_str(), value);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"The lesson's chain rule (z = x^2, y = sin z, L = y^2) derived by ctgrad."};
  double at = lesson_x, h = 1e-5;
  app.add_option("--x", at, "the point x at which to evaluate");
  app.add_option("--h", h, "step of the central difference")->check(demo::positive_number());
  CLI11_PARSE(app, argc, argv);

  std::printf("Chain rule: z = x^2, y = sin z, L = y^2\n\n");
  std::printf("Derived by the compiler:\n  dL/dx = %s        (the lesson: 2y * cos z * 2x)\n\n",
              to_string(d(L, x)).c_str());

  std::printf("Forward pass at x = %g:\n", at);
  std::printf("  z = x^2   = % .12f\n  y = sin z = % .12f\n  L = y^2   = % .12f\n\n",
              eval(z, x = at), eval(y, x = at), eval(L, x = at));

  // Each local derivative is d(outer, inner): ctgrad differentiates with respect to a named
  // intermediate as if it were a variable.
  double const dLdy = eval(d(L, y), x = at);
  double const dydz = eval(d(y, z), x = at);
  double const dzdx = eval(d(z, x), x = at);
  std::printf("Local derivatives (backward, from L to x):\n");
  line("dL/dy", to_string(d(L, y)), dLdy);
  line("dy/dz", to_string(d(y, z)), dydz);
  line("dz/dx", to_string(d(z, x)), dzdx);
  std::printf("\nRunning product (each adjoint is the one before times a local derivative):\n");
  line("dL/dz", "dL/dy * dy/dz", dLdy * dydz);
  line("dL/dx", "dL/dz * dz/dx", dLdy * dydz * dzdx);
  // The adjoint of z as ctgrad derives it, for comparison with the product above.
  line("dL/dz", to_string(d(L, z)), eval(d(L, z), x = at));

  double const derived = eval(d(L, x), x = at);
  double const sz = std::sin(at * at);
  double const by_hand = 2 * sz * std::cos(at * at) * 2 * at;  // 2y * cos z * 2x with <cmath>
  double const numeric = (eval(L, x = at + h) - eval(L, x = at - h)) / (2 * h);
  double const err_hand = std::abs(derived - by_hand);
  double const err_numeric = std::abs(derived - numeric);
  double const err_product = std::abs(derived - dLdy * dydz * dzdx);

  std::printf("\nAt x = %g:\n", at);
  std::printf("  ctgrad d(L, x)                 % .15f\n", derived);
  std::printf("  by hand, 2y * cos z * 2x       % .15f   |difference| %.2e\n", by_hand, err_hand);
  std::printf("  product of local derivatives   % .15f   |difference| %.2e\n", dLdy * dydz * dzdx,
              err_product);
  std::printf("  central difference, h = %-6g % .15f   |difference| %.2e\n", h, numeric,
              err_numeric);

  // The derived value must agree with the hand formula to rounding, and with the central
  // difference to within twice its error bound: truncation h^2/6 |L'''(x)| plus rounding
  // (L <= 1, so about 1e-16 / h), where L = sin^2(x^2) = (1 - cos 2x^2)/2 has
  // |L'''(x)| <= 24|x| + 32|x|^3.
  double const scale = 1 + std::abs(derived);
  double const ax = std::abs(at);
  double const numeric_tolerance = 2 * (h * h / 6 * (24 * ax + 32 * ax * ax * ax) + 1e-15 / h);
  bool const ok =
      err_hand <= 1e-12 * scale && err_product <= 1e-12 * scale && err_numeric <= numeric_tolerance;
  std::printf("\n%s (the central difference within %.1e, twice its error bound)\n",
              ok ? "all agree" : "MISMATCH", numeric_tolerance);
  return ok ? 0 : 1;
}
