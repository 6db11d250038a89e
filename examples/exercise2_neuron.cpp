// SPDX-License-Identifier: BSL-1.0
// The lesson's exercise 2: one neuron with a sigmoid and a squared error,
//   z = w*x + b,  a = sigmoid(z),  L = (a - y_true)^2,   w = 0.5, b = 0.1, x = 1, y_true = 0.8
// The gradients step by step by hand (plain C++ below), the ones ctgrad derived, and then a
// few gradient-descent steps W := W - eta * dL/dW showing the loss fall. explain(L, w = 0.5,
// ...) prints the steps with their numbers and a central-difference check; derivation(L, ...)
// is the same table as constexpr data; explain_hessian(L, w, b) the second derivatives.
//   exercise2_neuron [--steps 10] [--lr 1]
#include <ctgrad/ctgrad.hpp>

#include <CLI/CLI.hpp>

#include "cli_options.hpp"

#include <cmath>
#include <cstdio>

using namespace ctgrad;

namespace {

constexpr auto w = var<"w">;
constexpr auto b = var<"b">;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto z = named<"z">(w * x + b);
constexpr auto a = named<"a">(sigmoid(z));
constexpr auto L = pow<2>(a - y);
constexpr auto dL = grad(L, w, b);  // (dL/dw, dL/db): one reverse sweep for both

constexpr double w0 = 0.5, b0 = 0.1, x0 = 1.0, y_true0 = 0.8;
constexpr double lesson_grad = -0.0706;  // dL/dw = dL/db (x = 1), to the 4 digits worked by hand

// At compile time: the derived gradient at the exercise's point, to the lesson's digits.
constexpr auto g0 = eval(dL, w = w0, b = b0, x = x0, y = y_true0);
static_assert(g0[0] - lesson_grad < 5e-5 && lesson_grad - g0[0] < 5e-5);
static_assert(g0[0] == g0[1]);  // x = 1, so dL/dw = dL/db * x = dL/db

// Step by step, as the lesson works it: z = 0.6, a = 0.645656, dL/da = -0.308687,
// dL/dz = dL/dw = dL/db = -0.070623.
constexpr bool near(double u, double v) { return u - v < 5e-7 && v - u < 5e-7; }
constexpr auto steps = derivation(L, w = w0, b = b0, x = x0, y = y_true0);
static_assert(steps.value("z") == 0.6 && near(steps.value("a"), 0.645656));
static_assert(near(steps.adjoint("a"), -0.308687) && near(steps.adjoint("z"), -0.070623));
static_assert(steps.adjoint("w") == steps.adjoint("z") && steps.adjoint("b") == steps.adjoint("z"));

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Exercise 2: a single sigmoid neuron, its gradients, and gradient descent."};
  int steps = 10;
  double lr = 1.0;
  app.add_option("--steps", steps, "gradient-descent steps")->check(demo::whole_number(1));
  app.add_option("--lr", lr, "learning rate eta")->check(demo::positive_number());
  CLI11_PARSE(app, argc, argv);

  std::printf("Exercise 2: z = w*x + b, a = sigmoid(z), L = (a - y)^2\n");
  std::printf("  at w = %g, b = %g, x = %g, y = %g\n\n", w0, b0, x0, y_true0);

  // By hand, one local derivative at a time, as the lesson asks.
  double const zh = w0 * x0 + b0;
  double const ah = 1 / (1 + std::exp(-zh));
  double const Lh = (ah - y_true0) * (ah - y_true0);
  double const dL_da = 2 * (ah - y_true0), da_dz = ah * (1 - ah), dz_dw = x0, dz_db = 1;
  double const dw_hand = dL_da * da_dz * dz_dw, db_hand = dL_da * da_dz * dz_db;
  std::printf("By hand:\n");
  std::printf("  z = w*x + b            = %.7f\n", zh);
  std::printf("  a = sigmoid(z)         = %.7f\n", ah);
  std::printf("  L = (a - y)^2          = %.7f\n", Lh);
  std::printf("  dL/da = 2(a - y)       = %.7f\n", dL_da);
  std::printf("  da/dz = a(1 - a)       = %.7f\n", da_dz);
  std::printf("  dz/dw = x = %g,  dz/db = 1\n", dz_dw);
  std::printf("  dL/dw = dL/da * da/dz * dz/dw = %.7f\n", dw_hand);
  std::printf("  dL/db = dL/da * da/dz * dz/db = %.7f\n\n", db_hand);

  auto const g = eval(dL, w = w0, b = b0, x = x0, y = y_true0);
  std::printf("Derived by the compiler:\n");
  std::printf("  dL/dw = %s\n  dL/db = %s\n", to_string(d(L, w)).c_str(),
              to_string(d(L, b)).c_str());
  std::printf("  dL/dw = %.7f   |ctgrad - hand| %.1e   lesson: %g\n", g[0],
              std::abs(g[0] - dw_hand), lesson_grad);
  std::printf("  dL/db = %.7f   |ctgrad - hand| %.1e   lesson: %g\n\n", g[1],
              std::abs(g[1] - db_hand), lesson_grad);
  bool const grads_ok = std::abs(g[0] - dw_hand) <= 1e-15 && std::abs(g[1] - db_hand) <= 1e-15 &&
                        std::abs(g[0] - lesson_grad) < 5e-5 && std::abs(g[1] - lesson_grad) < 5e-5;

  std::printf("The derivation, as explain(L, w = %g, b = %g, x = %g, y = %g) prints it:\n%s\n", w0,
              b0, x0, y_true0, explain(L, w = w0, b = b0, x = x0, y = y_true0).c_str());
  std::printf("Second derivatives, explain_hessian(L, w, b):\n%s",
              explain_hessian(L, w, b).c_str());
  std::printf(
      "at the exercise's point:\n%s\n",
      to_matrix_string(eval(hessian(L, w, b), w = w0, b = b0, x = x0, y = y_true0)).c_str());

  // The training loop of the lesson: forward -> loss -> gradient -> update -> repeat.
  std::printf("Gradient descent, eta = %g:\n", lr);
  std::printf("  step  %10s %10s %10s %12s\n", "w", "b", "a", "L");
  double wv = w0, bv = b0;
  double const first = eval(L, w = wv, b = bv, x = x0, y = y_true0);
  double last = first;
  for (int step = 0; step <= steps; ++step) {
    last = eval(L, w = wv, b = bv, x = x0, y = y_true0);
    std::printf("  %4d  %10.6f %10.6f %10.6f %12.3e\n", step, wv, bv,
                eval(a, w = wv, b = bv, x = x0), last);
    if (step == steps) break;
    auto const gs = eval(dL, w = wv, b = bv, x = x0, y = y_true0);
    wv -= lr * gs[0];
    bv -= lr * gs[1];
  }
  bool const fell = last < first;
  std::printf("\nloss %.3e -> %.3e (%s); gradients %s\n", first, last,
              fell ? "falling" : "NOT falling", grads_ok ? "match" : "DO NOT MATCH");
  return grads_ok && fell ? 0 : 1;
}
