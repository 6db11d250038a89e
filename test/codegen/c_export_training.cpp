// SPDX-License-Identifier: BSL-1.0
// C export for training: the generated loss, gradient (derived by d) and SGD step compile as
// C99 and agree with grad_into and optim::sgd, to 1e-6 in float and 1e-12 in double.
#define BOOST_TEST_MODULE codegen.c_export_training
#include <boost/test/unit_test.hpp>

#include "support/random.hpp"

#include <ctgrad/codegen/c_export.hpp>
#include <ctgrad/ctgrad.hpp>

#include "codegen/c_driver.hpp"

#include <string>

using namespace ctgrad;

// Training: the loss, every parameter's gradient and one SGD step, against grad_into and
// optim::sgd.
constexpr auto Xt = input<"X", 6, 4>;
constexpr auto Yt = input<"Y", 6, 3>;
constexpr auto logits = sequential(Xt, layer::dense<7>, layer::tanh, layer::dense<3>);
constexpr auto ce_loss = cross_entropy(softmax(logits), Yt);
constexpr auto mse_loss =
    mse(sigmoid(sequential(Xt, layer::dense<5>, layer::relu, layer::dense<3>)), Yt);

template <class T, class Loss> void check_training(Loss loss, char const* name, double tolerance) {
  auto p = params<T>(loss);
  test::fill_normal(p, 7, 0.7);
  auto const x = test::normal_tensor<T, shape<6, 4>>(8);
  auto const y = test::one_hot<T, 6, 3>(9);
  auto const c = codegen::c_export_training(loss, name, p);
  std::string const n = name;
  // Prints the loss, the gradient set, then the parameters after one step of lr 0.25.
  std::string call =
      n + "_params g, q = " + n + "_trained;\n  out[0] = " + n + "_loss_grad(&q, &ws, x, y, &g);\n";
  call += "  printf(\"%.17g\\n\", (double)out[0]);\n";
  std::size_t total = 0;
  p.for_each([&](auto var, auto const& t) {
    call += "  for (i = 0; i < " + std::to_string(t.size) +
            "; ++i) printf(\"%.17g\\n\", (double)g." + std::string(var.name) + "[i]);\n";
    total += t.size;
  });
  call += "  " + n + "_sgd_step(&q, &g, " + codegen::detail::literal(T(0.25)) + ");\n";
  p.for_each([&](auto var, auto const& t) {
    call += "  for (i = 0; i < " + std::to_string(t.size) +
            "; ++i) printf(\"%.17g\\n\", (double)q." + std::string(var.name) + "[i]);\n";
  });
  call += "  return 0";
  auto got = run_c<T>(c, array_literal("x", x) + array_literal("y", y), call);
  // (The driver's loop over out after the call is not reached: the call returns first.)
  BOOST_REQUIRE_EQUAL(got.size(), 1 + 2 * total);

  auto g = p;
  T const L = grad_into(loss, g, p, Xt = x, Yt = y);
  double worst = std::abs(got[0] - double(L)) / std::max(1.0, std::abs(double(L)));
  std::size_t at = 1;
  g.for_each([&](auto, auto const& t) {
    for (std::size_t i = 0; i < t.size; ++i)
      worst = std::max(worst, std::abs(got[at++] - double(t.data[i])));
  });
  optim::sgd<decltype(p)> opt({.lr = T(0.25)});
  opt.step(p, g);
  p.for_each([&](auto, auto const& t) {
    for (std::size_t i = 0; i < t.size; ++i)
      worst = std::max(worst, std::abs(got[at++] - double(t.data[i])));
  });
  BOOST_TEST_MESSAGE(name << ": loss, gradient and step: largest difference " << worst);
  BOOST_TEST(worst <= tolerance);
}

BOOST_AUTO_TEST_CASE(training_loss_gradient_and_sgd_step) {
  check_training<float>(ce_loss, "ce32", 1e-6);
  check_training<double>(ce_loss, "ce64", 1e-12);
  check_training<double>(mse_loss, "mse64", 1e-12);
  check_training<float>(mse_loss, "mse32", 1e-6);
}
