// SPDX-License-Identifier: BSL-1.0
// The lesson's scalar examples with ctgrad: every derivative below is derived by the
// compiler (its type is the formula), printed, and evaluated; the static_asserts are
// checked while this file compiles.
#include <ctgrad/ctgrad.hpp>

#include "no_options.hpp"

#include <cstdio>
#include <string>

using namespace ctgrad;
using namespace ctgrad::literals;

namespace {

void show(char const* what, std::string const& formula) {
  std::printf("  %-14s %s\n", what, formula.c_str());
}

void chain_rule() {
  std::printf("Chain rule: z = x^2, y = sin z, L = y^2\n");
  constexpr auto x = var<"x">;
  constexpr auto z = named<"z">(pow<2>(x));
  constexpr auto y = named<"y">(sin(z));
  constexpr auto L = pow<2>(y);
  show("dL/dy =", to_string(d(L, y)));
  show("dL/dz =", to_string(d(L, z)));
  show("dL/dx =", to_string(d(L, x)) + "      (the lesson: 2y * cos z * 2x)");
  constexpr double at = 1.3;
  std::printf("  at x = %g:     L = %.12f, dL/dx = %.12f\n\n", at, eval(L, x = at),
              eval(d(L, x), x = at));
}

void exercise_1() {
  std::printf("Exercise 1: x -> 3x + 1 -> relu -> a^2\n");
  constexpr auto x = var<"x">;
  constexpr auto L = pow<2>(relu(3_c * x + 1_c));
  constexpr double derived = eval(d(L, x), x = 2.0);
  static_assert(derived == 42.0, "dL/dx at x = 2 is 2*7*1*3 = 42");
  double const h = 1e-5;
  double const numeric = (eval(L, x = 2 + h) - eval(L, x = 2 - h)) / (2 * h);
  show("L =", to_string(L));
  show("dL/dx =", to_string(d(L, x)));
  std::printf(
      "  at x = 2:      derived %g (checked by static_assert), by hand 2*7*1*3 = 42, "
      "numerical %.9f\n\n",
      derived, numeric);
}

void exercise_2() {
  std::printf("Exercise 2: single neuron, z = w*x + b, a = sigmoid(z), L = (a - y)^2\n");
  constexpr auto w = var<"w">;
  constexpr auto b = var<"b">;
  constexpr auto x = var<"x">;
  constexpr auto y = var<"y">;
  constexpr auto z = named<"z">(w * x + b);
  constexpr auto a = named<"a">(sigmoid(z));
  constexpr auto L = pow<2>(a - y);
  show("dL/dw =", to_string(d(L, w)));
  show("dL/db =", to_string(d(L, b)));
  constexpr auto g = eval(grad(L, w, b), w = 0.5, b = 0.1, x = 1.0, y = 0.8);
  static_assert(g[0] < -0.0706 && g[0] > -0.0707, "the lesson's dL/dw = -0.0706");
  std::printf("  at w = 0.5, b = 0.1, x = 1, y = 0.8:  dL/dw = %.7f, dL/db = %.7f\n", g[0], g[1]);
  double const eta = 0.1;
  std::printf("  one SGD step with eta = %g:        w = %.7f, b = %.7f\n\n", eta, 0.5 - eta * g[0],
              0.1 - eta * g[1]);
}

void computation_graph() {
  std::printf("Computation graph: x = 2, y = x^2, z = 3y\n");
  constexpr auto x = var<"x">;
  constexpr auto y = named<"y">(pow<2>(x));
  constexpr auto z = 3_c * y;
  static_assert(eval(d(z, x), x = 2.0) == 12.0);
  show("dz/dx =", to_string(d(z, x)));
  std::printf("  at x = 2:      dz/dx = %g\n\n", eval(d(z, x), x = 2.0));
}

void gradient_and_hessian() {
  std::printf("Gradient and Hessian of f = x^2 y + exp(y)\n");
  constexpr auto x = var<"x">;
  constexpr auto y = var<"y">;
  constexpr auto f = x * x * y + exp(y);
  show("grad f =", to_string(grad(f, x, y)));
  show("hessian f =", to_string(hessian(f, x, y)));
  constexpr auto h = eval(hessian(f, x, y), x = 3.0, y = 0.0);
  std::printf("  at (3, 0):     [[%g, %g], [%g, %g]]\n", h[0][0], h[0][1], h[1][0], h[1][1]);
}

}  // namespace

int main(int argc, char** argv) {
  demo::no_options(argc, argv,
                   "The lesson's scalar examples: the chain rule, exercises 1 and 2, the\n"
                   "computation graph, a gradient and a Hessian, each derived by the compiler,\n"
                   "printed and evaluated.");
  std::printf("ctgrad: derivatives derived at compile time\n\n");
  chain_rule();
  exercise_1();
  exercise_2();
  computation_graph();
  gradient_and_hessian();
}
