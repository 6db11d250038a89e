// SPDX-License-Identifier: BSL-1.0
// A net with layer::dropout under train::fit: fit draws a new mask every step (the
// gradient of one batch differs from step to step), training is reproducible from the
// seed, evaluation keeps every entry (train::evaluate equals eval with dropout_seed = -1),
// and the task still learns.
#define BOOST_TEST_MODULE train.dropout
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/train/fit.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <vector>

using namespace ctgrad;

namespace {

constexpr std::size_t B = 8;
constexpr auto X = input<"X", B, 2>;
constexpr auto Y = input<"Y", B, 3>;
constexpr auto logits =
    sequential(X, layer::dense<32>, layer::relu, layer::dropout<1, 4>, layer::dense<3>);
constexpr auto loss = cross_entropy(softmax(logits), Y);
using params_t = param_set<double, std::remove_cv_t<decltype(loss)>>;

// Three separable clusters.
struct data {
  std::vector<double> x, y;
  explicit data(std::size_t n) {
    std::mt19937 rng(5);
    std::normal_distribution<double> noise(0.0, 0.3);
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t const c = i % 3;
      x.push_back(2.0 * std::cos(2.1 * static_cast<double>(c)) + noise(rng));
      x.push_back(2.0 * std::sin(2.1 * static_cast<double>(c)) + noise(rng));
      for (std::size_t k = 0; k < 3; ++k) y.push_back(k == c ? 1.0 : 0.0);
    }
  }
  train::samples<double> view() const { return {x, y}; }
};

}  // namespace

BOOST_AUTO_TEST_CASE(fit_draws_masks_and_evaluation_keeps_everything) {
  data const d(96);
  auto ps = std::make_unique<params_t>();
  init::apply(*ps, 3, init::he_normal_rule{});
  auto const start = *ps;

  // Different seeds, different masks: the same batch's gradient differs.
  tensor<double, shape<B, 2>> xb{};
  tensor<double, shape<B, 3>> yb{};
  std::copy_n(d.x.begin(), B * 2, xb.data.begin());
  std::copy_n(d.y.begin(), B * 3, yb.data.begin());
  auto const g1 = grad(loss, *ps, X = xb, Y = yb, dropout_seed = 1.0);
  auto const g2 = grad(loss, *ps, X = xb, Y = yb, dropout_seed = 2.0);
  auto const g1again = grad(loss, *ps, X = xb, Y = yb, dropout_seed = 1.0);
  BOOST_TEST((g1[param<"W1", 2, 32>] != g2[param<"W1", 2, 32>]));
  BOOST_TEST((g1[param<"W1", 2, 32>] == g1again[param<"W1", 2, 32>]));

  auto const task = train::classifier(X, Y, loss, logits);
  optim::adam<params_t> opt({.lr = 0.01});
  auto const history = train::fit(task, *ps, opt, d.view(),
                                  {.epochs = 30, .seed = 4, .show = train::progress::none});
  BOOST_TEST_MESSAGE("final training loss " << history.back().loss);
  BOOST_TEST(history.back().loss < history.front().loss);

  // Evaluation mode: the whole data set through eval with dropout_seed = -1, batch by batch.
  auto const m = train::evaluate(task, *ps, d.view());
  double sum = 0;
  for (std::size_t b = 0; b < 96 / B; ++b) {
    std::copy_n(d.x.begin() + static_cast<long>(b * B * 2), B * 2, xb.data.begin());
    std::copy_n(d.y.begin() + static_cast<long>(b * B * 3), B * 3, yb.data.begin());
    sum += eval(loss, *ps, X = xb, Y = yb, dropout_seed = -1.0);
  }
  BOOST_TEST(m.loss == sum / static_cast<double>(96 / B), boost::test_tools::tolerance(1e-12));
  BOOST_TEST(m.accuracy == 1.0);

  // Reproducible: the same seeds give the same parameters.
  auto again = std::make_unique<params_t>(start);
  optim::adam<params_t> opt2({.lr = 0.01});
  train::fit(task, *again, opt2, d.view(),
             {.epochs = 30, .seed = 4, .show = train::progress::none});
  BOOST_TEST((again->operator[](param<"W2", 32, 3>) == ps->operator[](param<"W2", 32, 3>)));
}
