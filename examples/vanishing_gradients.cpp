// SPDX-License-Identifier: BSL-1.0
// The lesson's exercise 4: a deep MLP (10 hidden layers) with weights drawn from N(0, 1),
// one forward and backward pass, and the norm of each layer's weight gradient, for sigmoid
// and for ReLU side by side. Sigmoid's derivative is at most 1/4, so the gradient shrinks
// layer by layer on its way back to W1 (vanishing); ReLU passes it through where a unit is
// active, and with N(0, 1) weights activations and gradients are both far too large
// (exploding), though of one order across layers.
//   vanishing_gradients [--seed 1] [--out vanishing]   (+ .csv, and .png with gnuplot)
#include <ctgrad/ctgrad.hpp>

#include <CLI/CLI.hpp>

#include "cli_options.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>

using namespace ctgrad;

namespace {

constexpr std::size_t batch = 16, width = 32, hidden = 10;
constexpr auto X = input<"X", batch, width>;
constexpr auto Y = input<"Y", batch, 1>;

// dense, act, dense, act, ... (10 hidden layers), then a linear output of one unit.
template <std::size_t I, class Act> constexpr auto layer_at(Act act) {
  if constexpr (I == 2 * hidden) {
    return layer::dense<1>;
  } else if constexpr (I % 2 == 0) {
    return layer::dense<width>;
  } else {
    return act;
  }
}
template <class Act, std::size_t... I> constexpr auto deep_mse(Act act, std::index_sequence<I...>) {
  return mse(sequential(X, layer_at<I>(act)...), Y);
}
constexpr auto sigmoid_loss = deep_mse(layer::sigmoid, std::make_index_sequence<2 * hidden + 1>{});
constexpr auto relu_loss = deep_mse(layer::relu, std::make_index_sequence<2 * hidden + 1>{});

template <class Loss> auto weight_grad_norms(Loss loss, unsigned seed) {
  auto ps = params<double>(loss);
  init::apply(ps, seed, init::normal_rule{0.0, 1.0});  // weights N(0, 1), biases 0
  init::rng r{seed + 1000};
  tensor<double, shape<batch, width>> x{};
  tensor<double, shape<batch, 1>> y{};
  init::normal(x, r, 0.0, 1.0);
  init::normal(y, r, 0.0, 1.0);
  auto const g = grad(loss, ps, X = x, Y = y);
  return train::grad_norms(g);  // W1, b1, W2, b2, ...: weights at even positions
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Per-layer weight-gradient norms of a 10-hidden-layer MLP, sigmoid vs ReLU."};
  unsigned seed = 1;
  std::string out = "vanishing";
  app.add_option("--seed", seed, "seed of the weights and the batch")
      ->check(demo::whole_number(0, 4294967295));
  app.add_option("--out", out, "prefix of the table files (.csv, and .png with gnuplot)");
  CLI11_PARSE(app, argc, argv);

  auto const s = weight_grad_norms(sigmoid_loss, seed);
  auto const r = weight_grad_norms(relu_loss, seed);
  std::printf("%d hidden layers of %zu units, batch %zu, weights N(0, 1), MSE loss\n\n",
              static_cast<int>(hidden), width, batch);
  std::printf("layer   ||dL/dW|| sigmoid   ||dL/dW|| ReLU\n");
  std::ofstream csv(out + ".csv");
  csv << "layer,sigmoid,relu\n";
  for (std::size_t l = 0; l <= hidden; ++l) {
    std::printf("W%-4zu  %17.3e  %15.3e\n", l + 1, s[2 * l], r[2 * l]);
    csv << l + 1 << ',' << s[2 * l] << ',' << r[2 * l] << '\n';
  }
  std::printf("\nratio W1 / W%zu: sigmoid %.1e, ReLU %.1e\n", hidden + 1, s[0] / s[2 * hidden],
              r[0] / r[2 * hidden]);
  std::printf(
      "Sigmoid: each layer multiplies the gradient by W^T and sigma' <= 1/4, so it\n"
      "vanishes on its way to the input. ReLU: sigma' is 0 or 1, nothing shrinks it;\n"
      "but N(0, 1) weights on %zu inputs scale activations forward and gradients\n"
      "backward by about sqrt(%zu / 2) per layer, so every dL/dW is enormous (exploding)\n"
      "while of one order across layers. He initialisation, std sqrt(2 / fan_in),\n"
      "keeps both at their scale.\n",
      width, width);
  csv.close();
  std::string const png = out + ".png";
  std::string const cmd =
      "command -v gnuplot >/dev/null 2>&1 && gnuplot -e \"set terminal png size 700,450; "
      "set output '" +
      png +
      "'; set datafile separator ','; set logscale y; set key left top; "
      "set xlabel 'layer'; set ylabel '||dL/dW||'; plot '" +
      out +
      ".csv' every ::1 using 1:2 "
      "with linespoints title 'sigmoid', '' every ::1 using 1:3 with linespoints title 'ReLU'\" "
      "2>/dev/null";
  if (std::system(cmd.c_str()) == 0) std::printf("\nimage: %s\n", png.c_str());
  return 0;
}
