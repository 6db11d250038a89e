// SPDX-License-Identifier: BSL-1.0
// The lesson's exercise 1: x -> z = 3x + 1 -> a = relu(z) -> L = a^2.
//   1. the local derivatives dL/da = 2a, da/dz = (z > 0), dz/dx = 3
//   2. the chain rule: dL/dx = 2a * (z > 0) * 3, which is 42 at x = 2
//   3. a check with the central difference (f(x + h) - f(x - h)) / (2h), h = 1e-5
// explain(L, x = 2.0) prints all three steps at once; derivation(L, x = 2.0) holds the same
// numbers as constexpr data, so the answers below are checked by the compiler.
// Three derivatives side by side at several points: the formula written by hand (below, in
// plain C++), the one ctgrad derived at compile time, and the central difference.
//   exercise1_derivatives [--x 2 --x -1 ...] [--h 1e-5]
#include <ctgrad/ctgrad.hpp>

#include <CLI/CLI.hpp>

#include "cli_options.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

using namespace ctgrad;
using namespace ctgrad::literals;

namespace {

constexpr auto x = var<"x">;
constexpr auto z = named<"z">(3_c * x + 1_c);
constexpr auto a = named<"a">(relu(z));
constexpr auto L = pow<2>(a);

// The lesson's point, checked while this file compiles: 2 * 7 * 1 * 3.
static_assert(eval(L, x = 2.0) == 49.0);
static_assert(eval(d(L, x), x = 2.0) == 42.0);

// The worksheet's answers, one step at a time: dL/da = 14, da/dz = 1, dz/dx = 3, dL/dx = 42.
constexpr auto steps = derivation(L, x = 2.0);
static_assert(steps.value("z") == 7.0 && steps.value("a") == 7.0);
static_assert(steps.adjoint("a") == 14.0 && steps.local("a", "z") == 1.0 &&
              steps.local("z", "x") == 3.0 && steps.adjoint("x") == 42.0);

// Written by hand from the chain rule, with nothing from ctgrad.
double L_by_hand(double v) {
  double const zv = 3 * v + 1;
  double const av = zv > 0 ? zv : 0;
  return av * av;
}
double dLdx_by_hand(double v) {
  double const zv = 3 * v + 1;
  double const av = zv > 0 ? zv : 0;
  double const dL_da = 2 * av, da_dz = zv > 0 ? 1 : 0, dz_dx = 3;
  return dL_da * da_dz * dz_dx;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Exercise 1: dL/dx of L = relu(3x + 1)^2 by hand, by ctgrad and numerically."};
  std::vector<double> points{-2.0, -1.0, -1.0 / 3.0, 0.0, 0.5, 1.0, 2.0, 3.0};
  double h = 1e-5;
  app.add_option("--x", points, "points at which to compare (repeat the option for several)");
  app.add_option("--h", h, "step of the central difference")->check(demo::positive_number());
  CLI11_PARSE(app, argc, argv);

  std::printf("Exercise 1: x -> z = 3x + 1 -> a = relu(z) -> L = a^2\n\n");
  std::printf("Derived by the compiler:\n");
  std::printf("  dL/da = %-12s  da/dz = %-10s  dz/dx = %s\n", to_string(d(L, a)).c_str(),
              to_string(d(a, z)).c_str(), to_string(d(z, x)).c_str());
  std::printf("  dL/dx = %s      (by hand: 2a * (z > 0) * 3)\n\n", to_string(d(L, x)).c_str());

  std::printf("At the lesson's point x = 2: z = %g, a = %g, L = %g\n", eval(z, x = 2.0),
              eval(a, x = 2.0), eval(L, x = 2.0));
  std::printf("  dL/da = %g, da/dz = %g, dz/dx = %g  ->  dL/dx = %g (also a static_assert)\n\n",
              eval(d(L, a), x = 2.0), eval(d(a, z), x = 2.0), eval(d(z, x), x = 2.0),
              eval(d(L, x), x = 2.0));

  std::printf("The whole derivation at x = 2, as explain(L, x = 2.0) prints it:\n%s\n",
              explain(L, x = 2.0).c_str());

  std::printf("%9s %11s %11s %11s %15s %11s %11s\n", "x", "L", "by hand", "ctgrad", "central diff",
              "|ct - hand|", "|num - hand|");
  bool ok = true;
  for (double const v : points) {
    double const Lv = eval(L, x = v);
    double const hand = dLdx_by_hand(v);
    double const derived = eval(d(L, x), x = v);
    double const numeric = (eval(L, x = v + h) - eval(L, x = v - h)) / (2 * h);
    double const err_derived = std::abs(derived - hand);
    double const err_numeric = std::abs(numeric - hand);
    // L is a parabola on each side of the kink z = 0, so the central difference is exact up
    // to rounding (about eps * L / h) unless [x - h, x + h] straddles the kink: L is only
    // once differentiable there and the difference is off by O(h) (4.5 h at z = 0).
    bool const near_kink = std::abs(3 * v + 1) < 3 * h;
    double const tolerance =
        near_kink ? 5 * h : 100 * std::numeric_limits<double>::epsilon() * (1 + std::abs(Lv)) / h;
    bool const row_ok = Lv == L_by_hand(v) && err_derived <= 1e-14 * (1 + std::abs(hand)) &&
                        err_numeric <= tolerance;
    ok = ok && row_ok;
    std::printf("%9.5f %11.5f %11.5f %11.5f %15.9f %11.1e %11.1e%s%s\n", v, Lv, hand, derived,
                numeric, err_derived, err_numeric, near_kink ? "  at the kink: error O(h)" : "",
                row_ok ? "" : "  MISMATCH");
  }
  std::printf("\n%s\n", ok ? "all agree" : "MISMATCH: see the rows marked above");
  return ok ? 0 : 1;
}
