// SPDX-License-Identifier: BSL-1.0
// The code of docs/guides/exercises.md, compiled and run by CTest (docs.snippet.exercises):
// the lesson's exercises 1 and 2 and the chain rule, answered with static_assert against hand
// derivations (the numbers in the comments), printed with to_string and explain. Compiling it
// is the marking; running it prints the worked derivations and checks the printed formulas.
#include <ctgrad/ctgrad.hpp>

#include <cstdio>
#include <iostream>
#include <string>

using namespace ctgrad;
using namespace ctgrad::literals;

//! [exercise1]
// Exercise 1: x -> z = 3x + 1 -> a = relu(z) -> L = a^2, at x = 2.
// By hand: z = 7, a = 7, dL/da = 2a = 14, da/dz = 1 (z > 0), dz/dx = 3, dL/dx = 42.
constexpr auto x = var<"x">;
constexpr auto z = named<"z">(3_c * x + 1_c);
constexpr auto a = named<"a">(relu(z));
constexpr auto L = pow<2>(a);
static_assert(eval(d(L, x), x = 2.0) == 42.0);

// The worksheet, one step at a time, marked by the compiler:
constexpr auto sheet = derivation(L, x = 2.0);
static_assert(sheet.value("z") == 7.0 && sheet.adjoint("a") == 14.0);
static_assert(sheet.local("a", "z") == 1.0 && sheet.local("z", "x") == 3.0);
static_assert(sheet.adjoint("x") == 42.0);
// A wrong name, sheet.adjoint("q"), does not compile: the student sees the mistake at once.
//! [exercise1]

//! [chain_rule]
// The chain rule: z = x^2, y = sin z, L = y^2, so dL/dx = 2y * cos z * 2x (by hand).
constexpr auto zc = named<"z">(pow<2>(x));
constexpr auto yc = named<"y">(sin(zc));
constexpr auto Lc = pow<2>(yc);
//! [chain_rule]

//! [exercise2]
// Exercise 2: a single neuron z = w x + b, a = sigmoid(z), L = (a - t)^2 at w = 0.5,
// b = 0.1, x = 1, t = 0.8. By hand: z = 0.6, a = 0.645656, dL/dw = 2(a - t) a (1 - a) x
// = -0.0706228.
constexpr auto w = var<"w">;
constexpr auto b = var<"b">;
constexpr auto t = var<"t">;
constexpr auto zn = named<"z">(w * x + b);
constexpr auto an = named<"a">(sigmoid(zn));
constexpr auto Ln = pow<2>(an - t);
constexpr auto neuron = derivation(Ln, w = 0.5, b = 0.1, x = 1.0, t = 0.8);
static_assert(neuron.value("z") > 0.59999 && neuron.value("z") < 0.60001);
static_assert(neuron.adjoint("w") > -0.0706229 && neuron.adjoint("w") < -0.0706227);
static_assert(neuron.adjoint("b") == neuron.adjoint("w"));  // dz/db = 1 = x
//! [exercise2]

int main() {
  //! [print]
  std::cout << "dL/dx = " << to_string(d(Lc, x)) << '\n';  // the derived formula
  std::cout << explain(Ln, w = 0.5, b = 0.1, x = 1.0, t = 0.8);  // the worked exercise
  //! [print]
  // The derived forms, as written by hand above (the comments of the guide show these).
  bool const ok = to_string(d(Lc, x)) == "4*y*cos(z)*x" &&
                  to_string(d(Ln, w)) == "2*(a - t)*a*(1 - a)*x";
  std::printf("%s\n", ok ? "derived formulas as by hand" : "derived formulas differ");
  return ok ? 0 : 1;
}
