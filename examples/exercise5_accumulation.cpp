// SPDX-License-Identifier: BSL-1.0
// The lesson's exercise 5: gradients accumulate in PyTorch (.grad += on every backward), so
// a training loop must zero them between steps (optimizer.zero_grad()).
// ctgrad's semantics differ, on purpose: grad_into(loss, grads, ...) *overwrites* grads (the
// first contribution to each entry assigns, see engine/backprop.hpp; an entry the loss does not
// depend on is set to 0), so no step's gradient leaks into the next. Accumulating is explicit:
// compute each part into a scratch set and train::add_into an accumulator that you zero().
// This program shows
//   1. the lesson's z = x^2 + y^2: grad_into twice gives the same gradient both times; adding
//      it twice into an accumulator (PyTorch's backward twice) gives twice the gradient;
//   2. micro-batches: the mean of 4 micro-batch gradients equals the whole-batch gradient;
//   3. training with an accumulator that is zeroed between steps, and one that is not.
//   exercise5_accumulation [--steps 30] [--lr 0.5] [--seed 5]
#include <ctgrad/ctgrad.hpp>

#include <CLI/CLI.hpp>

#include "cli_options.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace ctgrad;

namespace {

constexpr std::size_t batch = 128, micro_batches = 4, micro = batch / micro_batches;
constexpr std::size_t features = 2, classes = 3;

// The whole batch and one micro-batch: the same layers, so the same parameter names and
// shapes, and one parameter set serves both.
constexpr auto X = input<"X", batch, features>;
constexpr auto Y = input<"Y", batch, classes>;
constexpr auto whole_loss =
    cross_entropy(softmax(sequential(X, layer::dense<16>, layer::tanh, layer::dense<classes>)), Y);
constexpr auto Xm = input<"X", micro, features>;
constexpr auto Ym = input<"Y", micro, classes>;
constexpr auto micro_loss = cross_entropy(
    softmax(sequential(Xm, layer::dense<16>, layer::tanh, layer::dense<classes>)), Ym);
using params_t = param_set<double, std::remove_cv_t<decltype(whole_loss)>>;
static_assert(std::is_same_v<params_t, param_set<double, std::remove_cv_t<decltype(micro_loss)>>>);

struct batch_data {
  tensor<double, shape<batch, features>> x{};
  tensor<double, shape<batch, classes>> y{};
};

// Three overlapping Gaussian blobs, one per class, generated from the seed: overlapping, so
// the loss has a minimum the net cannot fit its way past, and training should settle.
batch_data blobs(unsigned seed) {
  init::rng r{seed};
  double const centre[classes][features] = {{-1.0, 0.0}, {1.0, 0.5}, {0.0, -1.2}};
  batch_data d;
  for (std::size_t i = 0; i < batch; ++i) {
    std::size_t const c = i % classes;
    for (std::size_t f = 0; f < features; ++f) d.x(i, f) = centre[c][f] + r.normal();
    d.y(i, c) = 1.0;
  }
  return d;
}

// Rows [k * micro, (k + 1) * micro) of the batch.
void slice(batch_data const& d, std::size_t k, tensor<double, shape<micro, features>>& x,
           tensor<double, shape<micro, classes>>& y) {
  std::copy_n(d.x.data.begin() + static_cast<long>(k * micro * features), micro * features,
              x.data.begin());
  std::copy_n(d.y.data.begin() + static_cast<long>(k * micro * classes), micro * classes,
              y.data.begin());
}

// The gradient of the batch's mean loss, from its micro-batches: each micro-batch gradient
// (a mean over its rows) is scaled by 1/micro_batches and added into acc. Whether acc is zeroed
// first is the caller's business, as in PyTorch (loss / accumulation_steps, then backward()).
void accumulate(params_t& acc, params_t const& ps, batch_data const& d) {
  params_t g{};
  tensor<double, shape<micro, features>> x{};
  tensor<double, shape<micro, classes>> y{};
  for (std::size_t k = 0; k < micro_batches; ++k) {
    slice(d, k, x, y);
    grad_into(micro_loss, g, ps, Xm = x, Ym = y);  // overwrites g: nothing carried over
    train::scale(g, 1.0 / micro_batches);
    train::add_into(acc, g);
  }
}

// max_i |a_i - b_i| / max_i |b_i| over all entries of two sets.
double max_relative_difference(params_t const& a, params_t const& b) {
  double diff = 0, largest = 0;
  auto pa = a.pointers();
  auto pb = b.pointers();
  std::size_t t = 0;
  b.for_each([&](auto, auto const& tb) {
    for (std::size_t i = 0; i < tb.size; ++i) {
      diff = std::max(diff, std::abs(pa[t][i] - pb[t][i]));
      largest = std::max(largest, std::abs(pb[t][i]));
    }
    ++t;
  });
  return largest > 0 ? diff / largest : diff;
}

bool part1_lesson() {
  std::printf("1. The lesson's z = x^2 + y^2 at x = 2, y = 3 (dz/dx = 4, dz/dy = 6)\n");
  constexpr auto px = param<"x">;
  constexpr auto py = param<"y">;
  constexpr auto z = px * px + py * py;
  var_set<double, decltype(px), decltype(py)> p{}, g{}, acc{};
  p[px]() = 2.0;
  p[py]() = 3.0;
  grad_into(z, g, p);
  std::printf("   grad_into once:              dz/dx = %g, dz/dy = %g\n", g[px](), g[py]());
  auto const first = g;
  grad_into(z, g, p);  // PyTorch: backward() again without retain_graph is an error
  std::printf("   grad_into again (overwrites): dz/dx = %g, dz/dy = %g\n", g[px](), g[py]());
  acc.zero();
  train::add_into(acc, g);
  train::add_into(acc, g);  // PyTorch: backward(retain_graph=True) twice, .grad += each time
  std::printf(
      "   add_into an accumulator twice: dz/dx = %g, dz/dy = %g  (twice: why zero_grad)\n\n",
      acc[px](), acc[py]());
  return first[px]() == 4.0 && first[py]() == 6.0 && g == first && acc[px]() == 8.0 &&
         acc[py]() == 12.0;
}

bool part2_micro_batches(params_t const& ps, batch_data const& d) {
  std::printf("2. Gradient of a batch of %zu vs the mean over %zu micro-batches of %zu\n", batch,
              micro_batches, micro);
  params_t whole{}, acc{};
  grad_into(whole_loss, whole, ps, X = d.x, Y = d.y);
  acc.zero();
  accumulate(acc, ps, d);
  double const rel = check::relative_error(acc, whole);
  double const maxrel = max_relative_difference(acc, whole);
  std::printf("   relative error ||acc - whole|| / (||acc|| + ||whole||) = %.2e\n", rel);
  std::printf("   max |acc - whole| / max |whole|                      = %.2e\n", maxrel);
  accumulate(acc, ps, d);  // the same again, without zeroing acc first
  double const stale = check::relative_error(acc, whole);
  std::printf(
      "   accumulating again without zeroing: relative error   = %.2e (twice the gradient)\n\n",
      stale);
  return rel < 1e-12 && maxrel < 1e-12 && stale > 0.3;
}

bool part3_training(params_t const& start, batch_data const& d, int steps, double lr) {
  std::printf("3. SGD (lr %g), each step's gradient accumulated over the %zu micro-batches\n", lr,
              micro_batches);
  params_t zeroed = start, stale = start, acc_z{}, acc_s{}, truth{};
  optim::sgd<params_t> opt_z({.lr = lr}), opt_s({.lr = lr});
  std::printf("   %4s  %14s  %18s  %26s\n", "step", "loss (zeroed)", "loss (not zeroed)",
              "error of the stale gradient");
  double const initial = eval(whole_loss, start, X = d.x, Y = d.y);
  double error_at_2 = 0, loss_z = initial, loss_s = initial;
  int rises_z = 0, rises_s = 0;
  for (int step = 1; step <= steps; ++step) {
    acc_z.zero();  // optimizer.zero_grad()
    accumulate(acc_z, zeroed, d);
    accumulate(acc_s, stale, d);  // forgotten: earlier steps' gradients are still in acc_s
    grad_into(whole_loss, truth, stale, X = d.x, Y = d.y);
    double const error = check::relative_error(acc_s, truth);
    if (step == 2) error_at_2 = error;
    opt_z.step(zeroed, acc_z);
    opt_s.step(stale, acc_s);
    double const next_z = eval(whole_loss, zeroed, X = d.x, Y = d.y);
    double const next_s = eval(whole_loss, stale, X = d.x, Y = d.y);
    rises_z += next_z > loss_z;
    rises_s += !(next_s <= loss_s);  // NaN counts as a rise
    loss_z = next_z;
    loss_s = next_s;
    if (step <= 3 || step % (steps / 10 > 0 ? steps / 10 : 1) == 0)
      std::printf("   %4d  %14.5f  %18.5f  %26.2e\n", step, loss_z, loss_s, error);
  }
  std::printf("   from %.5f: zeroed %.5f (rose in %d of %d steps), not zeroed %.5f (rose in %d)\n",
              initial, loss_z, rises_z, steps, loss_s, rises_s);
  std::printf(
      "   Not zeroed, step t uses the sum of the gradients of steps 1..t: momentum with no\n"
      "   friction, so the parameters overshoot and the loss bounces instead of settling.\n\n");
  // Checked: the zeroed run learns, and the stale gradient is wrong from step 2 on (when
  // there is a step 2). How badly the stale run trains depends on lr and steps: printed.
  return loss_z < initial && (steps < 2 || error_at_2 > 0.01);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Exercise 5: accumulating gradients over micro-batches, and zeroing them."};
  int steps = 30;
  double lr = 0.5;
  unsigned seed = 5;
  app.add_option("--steps", steps, "SGD steps in part 3")->check(demo::whole_number(1));
  app.add_option("--lr", lr, "SGD learning rate in part 3")->check(demo::positive_number());
  app.add_option("--seed", seed, "seed of the data and the initialisation")
      ->check(demo::whole_number(0, 4294967295));
  CLI11_PARSE(app, argc, argv);

  std::printf("grad_into overwrites its gradient set; accumulation is add_into a zeroed set.\n\n");
  bool const ok1 = part1_lesson();
  params_t ps{};
  init::apply(ps, seed, init::xavier_normal_rule{});
  batch_data const d = blobs(seed + 1);
  bool const ok2 = part2_micro_batches(ps, d);
  bool const ok3 = part3_training(ps, d, steps, lr);
  std::printf("lesson's z: %s; micro-batches: %s; training: %s\n", ok1 ? "ok" : "FAILED",
              ok2 ? "ok" : "FAILED", ok3 ? "ok" : "FAILED");
  return ok1 && ok2 && ok3 ? 0 : 1;
}
