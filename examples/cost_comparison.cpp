// SPDX-License-Identifier: BSL-1.0
// The second note's point, measured: a numerical gradient by central differences needs two
// forward passes per parameter (2P in all), while backpropagation gets every dL/dW from one
// forward and one backward pass, reusing the forward pass's intermediate values.
// For MLPs of growing parameter count P (fixed architectures: shapes are compile-time), this
// times one ctgrad gradient (grad_into) and one numerical gradient (eval, 2P times), checks
// that they agree, and prints the ratio. The forward pass itself costs O(P), so the numerical
// gradient costs O(P^2) and the ratio grows about linearly with P.
//   cost_comparison [--repeat 2] [--max-params 10000] [--h 1e-6]
// Timings depend on the build: compare them in a Release build.
#include <ctgrad/ctgrad.hpp>

#include <CLI/CLI.hpp>

#include "cli_options.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

using namespace ctgrad;

namespace {

constexpr std::size_t batch = 8;

// tanh, not ReLU: smooth everywhere, so no entry of the check can straddle a kink.
template <std::size_t In> constexpr auto X = input<"X", batch, In>;
template <std::size_t Out> constexpr auto Y = input<"Y", batch, Out>;
constexpr auto net_a = mse(sequential(X<4>, layer::dense<8>, layer::tanh, layer::dense<2>), Y<2>);
constexpr auto net_b = mse(
    sequential(X<8>, layer::dense<16>, layer::tanh, layer::dense<16>, layer::tanh, layer::dense<4>),
    Y<4>);
constexpr auto net_c = mse(sequential(X<32>, layer::dense<32>, layer::tanh, layer::dense<32>,
                                      layer::tanh, layer::dense<8>),
                           Y<8>);
constexpr auto net_d =
    mse(sequential(X<64>, layer::dense<128>, layer::tanh, layer::dense<10>), Y<10>);

using clock_type = std::chrono::steady_clock;
double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

volatile double sink;  // results go here, so the timed work cannot be optimised away

struct options_t {
  int repeat = 2;
  std::size_t max_params = 10000;
  double h = 1e-6;
};

// One row of the table: a network's name and loss, In and Out the widths of its X and Y.
template <std::size_t In, std::size_t Out, class Loss>
bool measure(char const* name, Loss loss, options_t const& opt, unsigned seed, int& measured) {
  using set_t = param_set<double, std::remove_cv_t<Loss>>;
  constexpr std::size_t P = set_t::scalar_count;
  if (P > opt.max_params) return true;
  ++measured;
  constexpr auto Xv = X<In>;
  constexpr auto Yv = Y<Out>;
  set_t ps{}, g{}, numeric{};
  init::apply(ps, seed, init::xavier_normal_rule{});
  init::rng r{seed + 1};
  tensor<double, shape<batch, In>> x{};
  tensor<double, shape<batch, Out>> y{};
  init::normal(x, r, 0.0, 1.0);
  init::normal(y, r, 0.0, 1.0);

  // Backprop: one gradient takes microseconds, so time a loop of at least 20 ms and divide;
  // keep the fastest of opt.repeat such measurements.
  double t_backprop = 1e300;
  for (int rep = 0; rep < opt.repeat; ++rep) {
    long calls = 0;
    auto const start = clock_type::now();
    double elapsed = 0;
    do {
      sink = grad_into(loss, g, ps, Xv = x, Yv = y);
      ++calls;
      elapsed = seconds_since(start);
    } while (elapsed < 0.02);
    t_backprop = std::min(t_backprop, elapsed / static_cast<double>(calls));
  }

  // Numerical: nudge every parameter entry by +h and -h, one forward pass (eval) each.
  double t_numeric = 1e300;
  long passes = 0;
  for (int rep = 0; rep < opt.repeat; ++rep) {
    passes = 0;
    auto const start = clock_type::now();
    auto nit = numeric.pointers();
    std::size_t k = 0;
    ps.for_each([&](auto, auto& w) {
      for (std::size_t i = 0; i < w.size; ++i) {
        double const old = w.data[i];
        w.data[i] = old + opt.h;
        double const up = eval(loss, ps, Xv = x, Yv = y);
        w.data[i] = old - opt.h;
        double const down = eval(loss, ps, Xv = x, Yv = y);
        w.data[i] = old;
        nit[k][i] = (up - down) / (2 * opt.h);
        passes += 2;
      }
      ++k;
    });
    t_numeric = std::min(t_numeric, seconds_since(start));
  }
  sink = numeric.pointers()[0][0] + g.pointers()[0][0];

  double const error = check::relative_error(g, numeric);
  bool const ok = error < 1e-5;  // the lesson's threshold
  double const t_forward = t_numeric / static_cast<double>(passes);
  std::printf("%-11s %6zu %9s %9ld %11.2f %9.1f %13.1f %8.0f %9.1e%s\n", name, P, "1+1", passes,
              1e6 * t_backprop, t_backprop / t_forward, 1e6 * t_numeric, t_numeric / t_backprop,
              error, ok ? "" : "  MISMATCH");
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Time one backprop gradient against one numerical gradient for MLPs of growing size."};
  options_t opt;
  unsigned seed = 1;
  app.add_option("--repeat", opt.repeat, "measurements per timing; the fastest is kept")
      ->check(demo::whole_number(1));
  app.add_option("--max-params", opt.max_params, "skip networks with more parameters than this")
      ->check(demo::whole_number(0));
  app.add_option("--h", opt.h, "step of the central differences")->check(demo::positive_number());
  app.add_option("--seed", seed, "seed of the weights and the batch")
      ->check(demo::whole_number(0, 4294967295));
  CLI11_PARSE(app, argc, argv);

  std::printf(
      "One gradient of an MSE loss, batch %zu, double; times in microseconds, the\n"
      "fastest of %d. Numerical: central differences, h = %g, 2 forward passes per "
      "parameter.\n\n",
      batch, opt.repeat, opt.h);
  std::printf("%-11s %6s %9s %9s %11s %9s %13s\n", "", "", "backprop", "numerical", "backprop",
              "backprop", "numerical");
  std::printf("%-11s %6s %9s %9s %11s %9s %13s %8s %9s\n", "network", "P", "passes", "passes", "us",
              "in fwd", "us", "ratio", "rel.err.");
  bool ok = true;
  int measured = 0;
  ok = measure<4, 2>("4-8-2", net_a, opt, seed, measured) && ok;
  ok = measure<8, 4>("8-16-16-4", net_b, opt, seed, measured) && ok;
  ok = measure<32, 8>("32-32-32-8", net_c, opt, seed, measured) && ok;
  ok = measure<64, 10>("64-128-10", net_d, opt, seed, measured) && ok;
  if (measured == 0) {
    std::printf("no network has at most %zu parameters\n", opt.max_params);
    return 1;
  }
  std::printf(
      "\nbackprop passes 1+1: one forward, one backward. \"in fwd\": the backprop time in\n"
      "units of one forward pass (eval). ratio: numerical time / backprop time. Backprop\n"
      "stays a few forward passes' worth; the numerical gradient's 2P passes each cost\n"
      "O(P), so the ratio grows with P. Gradients %s (relative error < 1e-5).\n",
      ok ? "agree" : "DO NOT AGREE");
  return ok ? 0 : 1;
}
