// SPDX-License-Identifier: BSL-1.0
// XOR from scratch: 2-8-2 with tanh, softmax cross-entropy, Adam, all four points in every
// batch. Prints the loss as it falls and the network's answers at the end.
//   xor [--steps 500] [--lr 0.05] [--seed 2024]
#include <ctgrad/ctgrad.hpp>

#include <CLI/CLI.hpp>

#include "cli_options.hpp"

#include <cstdio>

using namespace ctgrad;

namespace {
constexpr auto X = input<"X", 4, 2>;
constexpr auto Y = input<"Y", 4, 2>;
constexpr auto logits = sequential(X, layer::dense<8>, layer::tanh, layer::dense<2>);
constexpr auto loss = cross_entropy(softmax(logits), Y);
using params_t = param_set<float, std::remove_cv_t<decltype(loss)>>;
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Train XOR with ctgrad."};
  int steps = 500;
  float lr = 0.05f;
  unsigned seed = 2024;
  app.add_option("--steps", steps, "optimiser steps")->check(demo::whole_number(1));
  app.add_option("--lr", lr, "Adam learning rate")->check(demo::positive_number());
  app.add_option("--seed", seed, "seed of the initialisation")
      ->check(demo::whole_number(0, 4294967295));
  CLI11_PARSE(app, argc, argv);

  params_t ps{}, gs{};
  init::apply(ps, seed, init::xavier_normal_rule{});
  tensor<float, shape<4, 2>> x{}, y{};
  for (std::size_t r = 0; r < 4; ++r) {
    x(r, 0) = static_cast<float>(r & 1u);
    x(r, 1) = static_cast<float>((r >> 1) & 1u);
    y(r, (r & 1u) ^ ((r >> 1) & 1u)) = 1.0f;
  }
  optim::adam<params_t> opt({.lr = lr});
  for (int step = 1; step <= steps; ++step) {
    float const L = grad_into(loss, gs, ps, X = x, Y = y);
    opt.step(ps, gs);
    if (step == 1 || step % (steps / 5 > 0 ? steps / 5 : 1) == 0)
      std::printf("step %4d  loss %.5f\n", step, L);
  }
  auto const out = eval(logits, ps, X = x);
  int correct = 0;
  for (std::size_t r = 0; r < 4; ++r) {
    int const answer = out(r, 1) > out(r, 0) ? 1 : 0;
    int const truth = static_cast<int>(y(r, 1));
    correct += answer == truth;
    std::printf("%g xor %g = %d (expected %d)\n", static_cast<double>(x(r, 0)),
                static_cast<double>(x(r, 1)), answer, truth);
  }
  std::printf("accuracy %d/4\n", correct);
  return correct == 4 ? 0 : 1;
}
